// What the agreement's page and its printed document show: the agreement, its parties and people,
// its indicators with their history and progress, completeness and the funding gap.
import { Router, type RequestHandler } from 'express';
import type { TFunction } from 'i18next';
import type { Types } from 'mongoose';
import { organizationName } from '../settings/organization.js';
import { orNotFound } from '../http/ids.js';
import { userNameRecord } from '../users/people.js';
import { completeness, fundingGap } from './completeness.js';
import { expectedProgress, getThresholds, kpiProgress, kpiTrend } from './kpis.js';
import { measurementsOf } from './measurements-directory.js';
import { AgreementModel } from './model.js';
import { partyNames } from './service.js';
import {
  agreementKinds,
  agreementStatuses,
  cadences,
  checkFrequencies,
  elements,
  governanceTypes,
  kpiDirections,
  kpiStatuses,
  kpiUnits,
} from './constants.js';
import { partnerTypes } from '../partners/constants.js';

/** The code lists the agreement views translate. */
export const choices = {
  agreementKinds,
  agreementStatuses,
  cadences,
  checkFrequencies,
  governanceTypes,
  kpiDirections,
  kpiUnits,
  kpiStatuses,
  elements,
  partnerTypes,
};

export async function loadView(id: Types.ObjectId, missing: string) {
  const a = orNotFound(await AgreementModel.findById(id).lean());
  const [names, users, measurements, thresholds] = await Promise.all([
    partyNames(a.partnerIds, missing),
    userNameRecord([a.ownerId, ...a.teamIds, ...(a.approvedById ? [a.approvedById] : [])]),
    measurementsOf(id),
    getThresholds(),
  ]);
  const expected = expectedProgress(a.startDate, a.endDate);
  const kpis = a.kpis.map((k) => {
    const history = measurements.filter((m) => String(m.kpiId) === String(k._id));
    const progress =
      k.latestValue === null || k.latestValue === undefined ? null : kpiProgress(k, k.latestValue, thresholds.maintainTolerance);
    return { ...k, history, progress, trend: kpiTrend(history.map((m) => m.value)), expected: k.direction === 'maintain' ? 1 : expected };
  });
  return { a, names, users, kpis, c: completeness(a), gap: fundingGap(a.funding) };
}

/** Our side of an agreement: the organization's name as set, else "our organization" in `t`'s language. */
export async function ourSide(t: TFunction): Promise<() => string> {
  const name = await organizationName();
  return () => name || t('agreements:ownOrg');
}

/** Gives the agreement views `ourSide()` in the reader's language: mounted once, before the agreement routers. */
export const agreementViewLocals = Router().use('/agreements', (async (req, res, next) => {
  res.locals.ourSide = await ourSide(req.t);
  next();
}) as RequestHandler);
