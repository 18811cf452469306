// The reminder schedules (node-cron expressions from config, validated at start by the scheduler):
// the frequent tick enqueues what is due and delivers pending mail; the weekly job enqueues the
// managers' digest. Both work from what the database says is due, so a run after downtime catches
// up: what came due meanwhile is sent late, once; what is no longer useful is skipped.
import { config } from '../config.js';
import type { Job } from '../scheduler.js';
import { deliverUntilIdle, type DeliverReport } from './deliver.js';
import { enqueueDue } from './kinds.js';
import './followup-kinds.js'; // registers follow-up requests and overdue checks
import './blocker-kinds.js'; // registers the escalation of blockers open too long
import './retrospective-kinds.js'; // registers the request for an ended agreement's retrospective
import './meetings.js'; // registers meeting reminders

export async function reminderTick(now = new Date()): Promise<{ enqueued: number } & DeliverReport> {
  const enqueued = await enqueueDue('tick', now);
  const report = await deliverUntilIdle({ now });
  return { enqueued, ...report };
}

export async function weeklyDigest(now = new Date()): Promise<{ enqueued: number } & DeliverReport> {
  const enqueued = await enqueueDue('weekly', now);
  const report = await deliverUntilIdle({ now });
  return { enqueued, ...report };
}

export const reminderJobs = (): (Job & { catchUp: boolean })[] => [
  { name: 'reminders-tick', expression: config.scheduler.tick, run: (now) => reminderTick(now), catchUp: true },
  { name: 'weekly-digest', expression: config.scheduler.weeklyDigest, run: (now) => weeklyDigest(now), catchUp: true },
];
