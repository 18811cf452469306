// The dashboard's partnership-health block: the team's rating of the active agreements (latest check,
// average, weakest dimension, monthly trend) and, where the partner's contacts rated too, both sides
// with the agreements whose views differ (the rule is progress/two-sided.ts's).
import { healthDimensions, type HealthDimension } from '../progress/constants.js';
import { pushTo } from '../util/group.js';
import { figures, rowsOf } from './figures.js';
import type { Portfolio } from './portfolio.js';

const avg = (xs: number[]) => (xs.length ? Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 10) / 10 : null);
const ratings = (xs: (number | null | undefined)[]) => xs.filter((x): x is number => typeof x === 'number');

/** Health score (5–25) of each active agreement's latest team check, their average, a monthly trend and the weakest dimension. */
export function partnershipHealth(p: Portfolio) {
  const last = rowsOf(p, 'health').map((r) => r.check);
  const dims = Object.fromEntries(healthDimensions.map((d) => [d, avg(ratings(last.map((c) => c.health[d])))])) as Record<
    HealthDimension,
    number | null
  >;
  const lowest = last.length ? healthDimensions.reduce((w, d) => (dims[d]! < dims[w]! ? d : w), healthDimensions[0]) : null;
  // Both sides by month: the team's checks, and the partner's answers that rated every dimension.
  const ours = new Map<string, number[]>();
  const theirs = new Map<string, number[]>();
  for (const c of p.checks)
    if (typeof c.healthScore === 'number')
      pushTo(c.source === 'partner' ? theirs : ours, c.periodEnd.toISOString().slice(0, 7), c.healthScore);
  const trend = [...new Set([...ours.keys(), ...theirs.keys()])]
    .sort((a, b) => a.localeCompare(b))
    .map((month) => ({ month, average: avg(ours.get(month) ?? []), partner: avg(theirs.get(month) ?? []) }));
  return {
    agreementsRated: figures(p, 'health')(),
    average: avg(last.map((c) => c.healthScore)),
    dimensions: dims,
    lowest,
    trend,
    sides: bothSides(p),
  };
}

/** The active agreements rated by both sides: averages per side and dimension, and how many differ where. */
function bothSides(p: Portfolio) {
  const compared = figures(p, 'sides');
  const latest = rowsOf(p, 'sides').map((r) => r.comparison);
  return {
    compared: compared(),
    differ: compared('differ'),
    ours: avg(latest.map((c) => c.team.score)),
    theirs: avg(ratings(latest.map((c) => c.partner.score))),
    perDimension: healthDimensions.map((d) => ({
      dimension: d,
      ours: avg(ratings(latest.map((c) => c.team.health[d]))),
      theirs: avg(ratings(latest.map((c) => c.partner.health[d]))),
      differ: compared(d),
    })),
    /** The widest gaps first, for the block's short list. */
    worst: rowsOf(p, 'sides', 'differ').slice(0, 5),
  };
}
