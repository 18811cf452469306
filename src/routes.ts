// Every feature's router, in one place. Public routers first; the rest require a signed-in user.
import type { Router } from 'express';
import { authRouter } from './auth/routes.js';
import { homeRouter } from './home/routes.js';
import { devMailRouter } from './mail/routes.js';
import { usersRouter } from './users/routes.js';
import { meetingsRouter } from './meetings/routes.js';
import { calendarFeedRouter, meetingCalendarRouter } from './meetings/calendar-routes.js';
import { healthPanelRouter, progressRouter } from './progress/routes.js';
import { blockersRouter } from './blockers/routes.js';
import { partnersRouter } from './partners/routes.js';
import { partnerImportRouter } from './partners/import.routes.js';
import { agreementsRouter } from './agreements/routes.js';
import { amendmentRouter } from './agreements/amendment-routes.js';
import { thresholdsRouter } from './agreements/threshold-routes.js';
import { agreementDocumentsRouter } from './agreements/document-routes.js';
import { agreementViewLocals } from './agreements/page-data.js';
import { tasksRouter } from './tasks/routes.js';
import { settingsRouter } from './settings/routes.js';
import { readinessRouter } from './readiness/routes.js';
import { dashboardRouter, sharedRouter } from './dashboard/routes.js';
import { outboxRouter, partnerLinksRouter } from './reminders/routes.js';
import { backupRouter } from './backup/routes.js';
import { documentsRouter } from './documents/routes.js';
import { partnerReviewRouter, reviewsRouter } from './reviews/routes.js';
import { retrospectivesRouter } from './retrospectives/routes.js';

/** Routes reachable without an account (sign-in, setup, reset, invitation, partner links). */
export const publicRouters: Router[] = [authRouter, calendarFeedRouter, sharedRouter, partnerLinksRouter, partnerReviewRouter];

/** Routes for signed-in users; each feature checks finer rights itself. */
export const memberRouters: Router[] = [
  homeRouter,
  partnerImportRouter,
  retrospectivesRouter, // before the partner and agreement pages: their lessons and retrospective
  partnersRouter,
  agreementViewLocals,
  reviewsRouter, // before the agreement page: its review panel
  healthPanelRouter, // before the agreement page: health seen from both sides
  blockersRouter, // before the agreement page: its blockers
  agreementsRouter,
  amendmentRouter,
  thresholdsRouter,
  agreementDocumentsRouter,
  tasksRouter,
  readinessRouter,
  dashboardRouter,
  meetingCalendarRouter,
  meetingsRouter,
  progressRouter,
  usersRouter,
  settingsRouter,
  devMailRouter,
  outboxRouter,
  backupRouter,
  documentsRouter,
];
