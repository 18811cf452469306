// When the next progress check of an agreement is due. One rule (checkDue): an active agreement with
// a check frequency is due one period after its last team check, or one period after its start when
// no check was recorded since; a date in the past means due, and overdue, now. The result is kept in
// followUp.nextCheckDue (indexed, read by the directory) and recomputed by refreshNextCheckDue on
// approval, on every edit and after each check; checksDue is the one list of what is due, read by
// the home page, the "progress checks due" lists and the reminder kinds.
import { agreementDirectory, agreementsOfPartner, involves, type ListedAgreement } from '../agreements/directory.js';
import { DateTime } from 'luxon';
import type { Types } from 'mongoose';
import type { AgreementStatus, CheckFrequency } from '../agreements/constants.js';
import { config } from '../config.js';
import { ProgressCheckModel } from './model.js';
import { agreementForSchedule, setNextCheckDue } from '../agreements/lookups.js';

const months: Record<CheckFrequency, number> = { monthly: 1, quarterly: 3, semiannual: 6, annual: 12 };

/** The date one follow-up period after `from` (end-of-month clamped: 31 January + 3 months = 30 April). */
export function nextCheckDue(frequency: CheckFrequency, from: Date, zone = config.defaultTimezone): Date {
  return DateTime.fromJSDate(from).setZone(zone).plus({ months: months[frequency] }).toUTC().toJSDate();
}

export interface ScheduledAgreement {
  status: AgreementStatus;
  startDate?: Date | null;
  approvedAt?: Date | null;
  createdAt?: Date | null;
  followUp?: { checkFrequency?: CheckFrequency | '' | null } | null;
}

/**
 * The rule: when the next check of an agreement is due, given the end of its last team check (null
 * when none). Null when the agreement is not active or has no check frequency. An agreement without
 * a start date counts from its approval. A check whose period ended before the start does not count.
 */
export function checkDue(a: ScheduledAgreement, lastCheckEnd: Date | null): Date | null {
  const frequency = a.followUp?.checkFrequency;
  if (a.status !== 'active' || !frequency) return null;
  const start = a.startDate ?? a.approvedAt ?? a.createdAt ?? null;
  const from = !start || (lastCheckEnd && lastCheckEnd > start) ? lastCheckEnd : start;
  return from ? nextCheckDue(frequency, from) : null;
}

/** Recomputes and stores an agreement's followUp.nextCheckDue by the rule; returns it. */
export async function refreshNextCheckDue(agreementId: Types.ObjectId): Promise<Date | null> {
  const agreement = await agreementForSchedule(agreementId);
  if (!agreement) return null;
  const last = agreement.followUp?.checkFrequency
    ? await ProgressCheckModel.findOne({ agreementId, source: 'team', archived: false }, { periodEnd: 1 }).sort({ periodEnd: -1 }).lean()
    : null;
  const due = checkDue(agreement, last?.periodEnd ?? null);
  if ((agreement.followUp?.nextCheckDue?.getTime() ?? null) !== (due?.getTime() ?? null)) await setNextCheckDue(agreementId, due);
  return due;
}

const scheduled = (a: ListedAgreement): boolean => a.status === 'active' && !a.archived && Boolean(a.followUp?.checkFrequency);

export type CheckDue = ListedAgreement & { nextCheckDue: Date };

/**
 * The active agreements whose next check is due on or before `until`, soonest first (optionally of
 * one partner, or involving one user), each with its `nextCheckDue`. An active agreement with a
 * frequency but no date stored yet (written before the rule, or by a path that did not refresh it)
 * gets it computed here, once.
 */
export async function checksDue(opts: { until: Date; partnerId?: Types.ObjectId; userId?: Types.ObjectId }): Promise<CheckDue[]> {
  const rows = (await (opts.partnerId ? agreementsOfPartner(opts.partnerId) : agreementDirectory())).filter(
    (a) => scheduled(a) && (!opts.userId || involves(a, opts.userId)),
  );
  const out: CheckDue[] = [];
  for (const a of rows) {
    const due = a.followUp?.nextCheckDue ?? (await refreshNextCheckDue(a._id));
    if (due && due.getTime() <= opts.until.getTime()) out.push({ ...a, nextCheckDue: due });
  }
  return out.sort((a, b) => a.nextCheckDue.getTime() - b.nextCheckDue.getTime());
}

/** For pages: checks overdue now, or due within `within` days (at most 100). */
export async function overdueChecks(opts: { now?: Date; partnerId?: Types.ObjectId; userId?: Types.ObjectId; within?: number } = {}) {
  const now = opts.now ?? new Date();
  const until = opts.within ? DateTime.fromJSDate(now).plus({ days: opts.within }).toJSDate() : now;
  return (await checksDue({ until, partnerId: opts.partnerId, userId: opts.userId })).slice(0, 100);
}
