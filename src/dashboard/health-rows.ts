// The progress checks behind the dashboard's health figures: the team's latest check of each
// agreement, and the latest comparison with the partner's side (the rule is progress/two-sided.ts's).
// The partner's answers are progress checks too, but they never stand for the team's rating.
import { latestComparison, type Comparison } from '../progress/two-sided.js';
import { pushTo } from '../util/group.js';
import type { CheckRow, Portfolio } from './portfolio.js';

const isTeam = (c: CheckRow) => c.source !== 'partner' && typeof c.healthScore === 'number';

/** The latest team check (of the last year) of each agreement that has one, by agreement id. */
export function latestTeamChecks(p: Portfolio): Map<string, CheckRow & { healthScore: number }> {
  const latest = new Map<string, CheckRow & { healthScore: number }>();
  for (const c of p.checks) {
    if (!isTeam(c)) continue;
    const k = String(c.agreementId);
    const prev = latest.get(k);
    if (!prev || prev.periodEnd < c.periodEnd) latest.set(k, c as CheckRow & { healthScore: number });
  }
  return latest;
}

const comparisons = new WeakMap<Portfolio, Map<string, Comparison>>();
/** The latest comparison of the two sides (over the year's checks) of each agreement that has one, by agreement id. */
export function latestComparisons(p: Portfolio): Map<string, Comparison> {
  let out = comparisons.get(p);
  if (out) return out;
  const byAgreement = new Map<string, CheckRow[]>();
  for (const c of p.checks) pushTo(byAgreement, String(c.agreementId), c);
  out = new Map();
  for (const [id, checks] of byAgreement) {
    const c = latestComparison(checks);
    if (c) out.set(id, c);
  }
  comparisons.set(p, out);
  return out;
}

/** The widest gap of a comparison, in points (0 when no dimension was rated by both sides). */
export const widestGap = (c: Comparison): number => Math.max(0, ...Object.values(c.gap.health).map((g) => Math.abs(g ?? 0)));
