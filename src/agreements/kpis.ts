// KPI results against targets: progress from baseline to target (respecting direction), the latest
// value, the trend, and a status from thresholds an administrator can set.
import type { Types } from 'mongoose';
import { saveSetting, settingValue } from '../settings/values.js';
import type { KpiDirection, KpiStatus } from './constants.js';
import { AgreementModel, KpiMeasurementModel } from './model.js';
import { measurementsOf } from './measurements-directory.js';

export interface KpiThresholds {
  /** Share of the expected progress at or above which a KPI is on track (e.g. 0.9). */
  onTrack: number;
  /** Share at or above which it is at risk; below, off track (e.g. 0.6). */
  atRisk: number;
  /** For "maintain": the tolerated relative distance from the target (e.g. 0.05 = ±5 %). */
  maintainTolerance: number;
}

/**
 * What a value of a KPI may be, by its unit: a count of people, hours or money is never negative,
 * a percentage runs from 0 to 100; a plain number or "other" may be anything (a net change, a
 * balance). Baselines, targets and measurements all pass here. The message key, or null.
 */
export function kpiValueProblem(unit: string, value: number): string | null {
  if (unit === 'percent') return value < 0 || value > 100 ? 'validation:percent' : null;
  if (['people', 'hours', 'currency'].includes(unit) && value < 0) return 'validation:notNegative';
  return null;
}

export const defaultThresholds: KpiThresholds = { onTrack: 0.9, atRisk: 0.6, maintainTolerance: 0.05 };
const THRESHOLDS_KEY = 'kpi.thresholds';

export async function getThresholds(): Promise<KpiThresholds> {
  return { ...defaultThresholds, ...(((await settingValue(THRESHOLDS_KEY)) as Partial<KpiThresholds> | null | undefined) ?? {}) };
}

export async function setThresholds(value: KpiThresholds): Promise<void> {
  await saveSetting(THRESHOLDS_KEY, value);
}

export interface KpiDefinition {
  baseline: number;
  target: number;
  direction: KpiDirection;
}

/**
 * Progress from baseline (0) to target (1): above 1 when the target is passed, negative when the
 * value moved the wrong way. For "maintain", 1 while within tolerance of the target, then falling.
 * A baseline equal to the target counts as reached when the value is at or beyond it.
 */
export function kpiProgress(kpi: KpiDefinition, value: number, tolerance = defaultThresholds.maintainTolerance): number {
  const { baseline, target, direction } = kpi;
  if (direction === 'maintain') {
    const scale = Math.abs(target) || 1;
    const distance = Math.abs(value - target) / scale;
    return distance <= tolerance ? 1 : Math.max(0, 1 - (distance - tolerance) / (1 - Math.min(tolerance, 0.99)));
  }
  const sign = direction === 'increase' ? 1 : -1;
  const span = (target - baseline) * sign;
  if (span <= 0) return (value - target) * sign >= 0 ? 1 : 0;
  return ((value - baseline) * sign) / span;
}

/** A KPI whose latest value reached its target: a success to communicate when the agreement ends. */
export function kpiMet(kpi: KpiDefinition & { latestValue?: number | null }, tolerance = defaultThresholds.maintainTolerance): boolean {
  return typeof kpi.latestValue === 'number' && kpiProgress(kpi, kpi.latestValue, tolerance) >= 1;
}

/**
 * Expected progress by now: the elapsed share of the agreement's period (1 without dates). A KPI is
 * judged against what should have been reached by today, not against the final target.
 */
export function expectedProgress(start: Date | null | undefined, end: Date | null | undefined, now = new Date()): number {
  if (!start || !end || end <= start) return 1;
  const share = (now.getTime() - start.getTime()) / (end.getTime() - start.getTime());
  return Math.min(1, Math.max(0.05, share));
}

export function kpiStatus(progress: number | null, expected: number, t: KpiThresholds = defaultThresholds): KpiStatus {
  if (progress === null) return 'no_data';
  const ratio = progress / expected;
  if (ratio >= t.onTrack) return 'on_track';
  if (ratio >= t.atRisk) return 'at_risk';
  return 'off_track';
}

/** Trend of the last values: up, down or flat (relative change under 1 % is flat). */
export function kpiTrend(valuesOldestFirst: number[]): 'up' | 'down' | 'flat' | 'none' {
  if (valuesOldestFirst.length < 2) return 'none';
  const last = valuesOldestFirst[valuesOldestFirst.length - 1]!;
  const prev = valuesOldestFirst[valuesOldestFirst.length - 2]!;
  const scale = Math.abs(prev) || 1;
  if (Math.abs(last - prev) / scale < 0.01) return 'flat';
  return last > prev ? 'up' : 'down';
}

export interface NewMeasurement {
  kpiId: Types.ObjectId;
  value: number;
  periodStart?: Date | null;
  periodEnd: Date;
  comment?: string;
  recordedById?: Types.ObjectId | null;
  recordedByContactId?: Types.ObjectId | null;
  recordedByName?: string;
  progressCheckId?: Types.ObjectId | null;
}

/** Records measurements of one agreement's KPIs and refreshes each KPI's latest value and status. */
export async function recordMeasurements(agreementId: Types.ObjectId, rows: NewMeasurement[], now = new Date()): Promise<void> {
  if (!rows.length) return;
  await KpiMeasurementModel.insertMany(rows.map((r) => ({ ...r, agreementId })));
  await refreshKpiStatus(agreementId, now);
}

/** Recomputes the denormalized latest value and status of every KPI of an agreement. */
export async function refreshKpiStatus(agreementId: Types.ObjectId, now = new Date()): Promise<void> {
  const agreement = await AgreementModel.findById(agreementId);
  if (!agreement) return;
  const thresholds = await getThresholds();
  const expected = expectedProgress(agreement.startDate, agreement.endDate, now);
  // Read as of now: the measurements were usually written a moment ago in this same request.
  const history = await measurementsOf(agreementId, { fresh: true });
  for (const kpi of agreement.kpis) {
    const latest = history.findLast((m) => String(m.kpiId) === String(kpi._id));
    kpi.latestValue = latest?.value ?? null;
    kpi.latestAt = latest?.periodEnd ?? null;
    const progress = latest ? kpiProgress(kpi, latest.value, thresholds.maintainTolerance) : null;
    kpi.status = kpiStatus(progress, kpi.direction === 'maintain' ? 1 : expected, thresholds);
  }
  await AgreementModel.updateOne({ _id: agreementId }, { $set: { kpis: agreement.kpis } });
}
