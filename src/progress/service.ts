// Progress checks (D5): the period's status, progress, challenges, next steps (tasks), KPI values
// (into the agreement's KPI history) and the partnership-health rating (C3).
import type { Types } from 'mongoose';
import { recordAudit } from '../audit/service.js';
import { recordMeasurements } from '../agreements/kpis.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import type { MeetingActor } from '../meetings/service.js';
import { isManager } from '../users/roles.js';
import { ProgressCheckModel, type ProgressCheckDoc } from './model.js';
import { healthBand, healthDimensions, type CheckStatus, type HealthDimension } from './constants.js';
import { refreshNextCheckDue } from './schedule.js';
import { liveAgreement } from '../agreements/lookups.js';
import { createCheckTasks } from '../tasks/service.js';

export interface CheckInput {
  periodStart: Date;
  periodEnd: Date;
  status: CheckStatus;
  progress: string;
  challenges: string;
  supportNeeded: string;
  nextSteps: string[];
  nextStepsDue: Date | null;
  kpiValues: { kpiId: Types.ObjectId; value: number }[];
  health: Record<HealthDimension, number>;
  healthComments: Record<HealthDimension, string>;
  meetingId?: Types.ObjectId | null;
}

export const healthScore = (h: Record<HealthDimension, number>): number => healthDimensions.reduce((s, d) => s + h[d], 0);

export async function agreementForCheck(actor: MeetingActor, agreementId: Types.ObjectId) {
  const a = await liveAgreement(agreementId);
  if (!a) throw notFound();
  const allowed =
    isManager(actor.role) || String(a.ownerId) === String(actor._id) || a.teamIds.some((u) => String(u) === String(actor._id));
  return { agreement: a, canWrite: allowed };
}

/** Records a team progress check; its KPI values join the KPI history and the next check is scheduled. */
export async function recordCheck(actor: MeetingActor, agreementId: Types.ObjectId, input: CheckInput, now = new Date()) {
  const { agreement, canWrite } = await agreementForCheck(actor, agreementId);
  if (!canWrite) throw forbidden();
  if (input.periodEnd < input.periodStart) throw new RuleError('progress:errors.period');
  const kpiIds = new Set(agreement.kpis.map((k) => String(k._id)));
  if (input.kpiValues.some((v) => !kpiIds.has(String(v.kpiId)))) throw new RuleError('progress:errors.kpi');
  const check = await ProgressCheckModel.create({
    agreementId,
    partnerIds: agreement.partnerIds,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    status: input.status,
    progress: input.progress,
    challenges: input.challenges,
    supportNeeded: input.supportNeeded,
    health: input.health,
    healthComments: input.healthComments,
    healthScore: healthScore(input.health),
    source: 'team',
    meetingId: input.meetingId ?? null,
    recordedById: actor._id,
    recordedByName: actor.name,
  });
  await recordMeasurements(
    agreementId,
    input.kpiValues.map((v) => ({
      kpiId: v.kpiId,
      value: v.value,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      recordedById: actor._id,
      recordedByName: actor.name,
      progressCheckId: check._id,
    })),
    now,
  );
  if (input.nextSteps.length)
    await createCheckTasks(
      input.nextSteps.map((title) => ({
        title,
        ownerId: actor._id,
        dueDate: input.nextStepsDue,
        partnerId: agreement.partnerIds[0] ?? null,
        agreementId,
        progressCheckId: check._id,
        createdBy: actor._id,
      })),
    );
  await refreshNextCheckDue(agreementId);
  await recordAudit({
    actor,
    entity: 'progressCheck',
    entityId: check._id,
    action: 'create',
    note: `${input.status} ${check.healthScore}`,
  });
  return check;
}

export const getCheck = (id: Types.ObjectId) => ProgressCheckModel.findOne({ _id: id, archived: false }).lean();

/**
 * The checks of an agreement, oldest first, with score and band: the health trend (C3), the team's
 * and the partner's (a partner's answer may leave ratings out, and then has no score).
 */
export async function healthTrend(agreementId: Types.ObjectId) {
  const checks = await ProgressCheckModel.find({ agreementId, archived: false }).sort({ periodEnd: 1 }).limit(400).lean();
  return checks.map((c) => ({
    _id: c._id,
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    round: c.round ?? null,
    status: c.status ?? null,
    source: c.source,
    healthScore: c.healthScore ?? null,
    band: typeof c.healthScore === 'number' ? healthBand(c.healthScore) : null,
    health: c.health as Record<HealthDimension, number | null>,
  }));
}

/** Averages of each dimension over the last `last` checks, and the weakest dimension. */
export function dimensionSummary(trend: { health: Record<HealthDimension, number | null> }[], last = 3) {
  const recent = trend.slice(-last);
  if (!recent.length) return null;
  const avg = Object.fromEntries(
    healthDimensions.map((d) => [d, recent.reduce((s, c) => s + (c.health[d] ?? 0), 0) / recent.length]),
  ) as Record<HealthDimension, number>;
  const weakest = healthDimensions.reduce((w, d) => (avg[d] < avg[w] ? d : w), healthDimensions[0]);
  return { avg, weakest, latest: recent[recent.length - 1]!.health };
}

/** A sparkline as SVG path data (0..width × 0..height), score range 5–25. */
export function sparklinePoints(scores: number[], width = 240, height = 48): string {
  if (!scores.length) return '';
  const step = scores.length > 1 ? width / (scores.length - 1) : 0;
  return scores.map((s, i) => `${Math.round(i * step)},${Math.round(height - ((s - 5) / 20) * height)}`).join(' ');
}

/** Health of the checks of these agreements ending since `since` (the dashboard, in one command). */
export const checksEndingSince = <Row>(agreementIds: Types.ObjectId[], since: Date, batchSize: number) =>
  ProgressCheckModel.find(
    { agreementId: { $in: agreementIds }, archived: false, periodEnd: { $gte: since } },
    { agreementId: 1, periodStart: 1, periodEnd: 1, source: 1, round: 1, healthScore: 1, health: 1 },
  )
    .batchSize(batchSize)
    .lean<Row[]>();

type PartnerCheck = Pick<
  ProgressCheckDoc,
  | 'agreementId'
  | 'partnerIds'
  | 'periodStart'
  | 'periodEnd'
  | 'status'
  | 'progress'
  | 'challenges'
  | 'healthScore'
  | 'contactId'
  | 'recordedByName'
  | 'round'
> & { health: Record<string, number | null> };

/** A partner contact's answer to a follow-up, as their side of the progress check. */
export const recordPartnerCheck = (check: PartnerCheck) => ProgressCheckModel.create({ ...check, source: 'partner' });
