// When the next progress check is due: the agreement's follow-up frequency after the last check
// (or after the agreement's start), computed in the organization's time zone.
import { agreementDirectory, agreementsOfPartner, involves, type ListedAgreement } from '../agreements/directory.js';
import { DateTime } from 'luxon';
import type { Types } from 'mongoose';
import { AgreementModel } from '../agreements/model.js';
import type { CheckFrequency } from '../agreements/constants.js';
import { config } from '../config.js';
import { ProgressCheckModel } from './model.js';

const months: Record<CheckFrequency, number> = { monthly: 1, quarterly: 3, semiannual: 6, annual: 12 };

/** The date one follow-up period after `from` (end-of-month clamped: 31 January + 3 months = 30 April). */
export function nextCheckDue(frequency: CheckFrequency, from: Date, zone = config.defaultTimezone): Date {
  return DateTime.fromJSDate(from).setZone(zone).plus({ months: months[frequency] }).toUTC().toJSDate();
}

/**
 * Recomputes an agreement's followUp.nextCheckDue: after its latest team check (by period end), or
 * after its start date; null when the agreement has no frequency or is not active.
 */
export async function refreshNextCheckDue(agreementId: Types.ObjectId, now = new Date()): Promise<Date | null> {
  const agreement = await AgreementModel.findById(agreementId, { status: 1, startDate: 1, followUp: 1, createdAt: 1 }).lean();
  if (!agreement) return null;
  const frequency = agreement.followUp?.checkFrequency;
  let due: Date | null = null;
  if (agreement.status === 'active' && frequency) {
    const last = await ProgressCheckModel.findOne({ agreementId, source: 'team', archived: false }, { periodEnd: 1 })
      .sort({ periodEnd: -1 })
      .lean();
    const from = last?.periodEnd ?? agreement.startDate ?? agreement.createdAt ?? now;
    due = nextCheckDue(frequency, from);
  }
  await AgreementModel.updateOne({ _id: agreementId }, { $set: { 'followUp.nextCheckDue': due } });
  return due;
}

/** Active agreements whose check is overdue (optionally for a partner or for a user's agreements). */
export async function overdueChecks(opts: { now?: Date; partnerId?: Types.ObjectId; userId?: Types.ObjectId; within?: number } = {}) {
  const now = opts.now ?? new Date();
  const limit = opts.within ? DateTime.fromJSDate(now).plus({ days: opts.within }).toJSDate() : now;
  const due = (a: ListedAgreement) => a.followUp?.nextCheckDue?.getTime() ?? 0;
  return (await (opts.partnerId ? agreementsOfPartner(opts.partnerId) : agreementDirectory()))
    .filter(
      (a) => a.status === 'active' && !a.archived && due(a) > 0 && due(a) < limit.getTime() && (!opts.userId || involves(a, opts.userId)),
    )
    .sort((a, b) => due(a) - due(b))
    .slice(0, 100);
}
