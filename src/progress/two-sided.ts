// Partnership health seen from both sides (C3, with the partner): the team rates the five dimensions
// in its progress checks, the partner's contacts in their follow-up answers (optional questions, so a
// dimension may be left unrated). One follow-up round — the answers to one due date — is set against
// the team check closest to it in time, and a dimension on which the two sides differ by
// GAP_FLAG_POINTS or more is flagged. This is the only place that pairs the sides: the agreement's
// health page, the agreement page and the dashboard show the same figures and the same flags.
import { healthDimensions, type HealthDimension } from './constants.js';

/** The standard asks that a difference of two points or more between the sides be looked at. */
export const GAP_FLAG_POINTS = 2;

type Dims<T> = Record<HealthDimension, T>;

export interface RatedCheck {
  periodStart: Date;
  periodEnd: Date;
  source?: string | null;
  /** A partner's answer: the due date of the follow-up it answers. */
  round?: Date | null;
  health?: Partial<Record<HealthDimension, number | null>> | null;
  healthScore?: number | null;
}

export interface Comparison {
  /** The round's due date. */
  at: Date;
  /** Partner answers in the round. */
  answers: number;
  team: { periodEnd: Date; score: number; health: Dims<number | null> };
  partner: { score: number | null; health: Dims<number | null> };
  /** Partner minus team, per dimension and for the score (null where a side has no rating). */
  gap: { score: number | null; health: Dims<number | null> };
  flagged: HealthDimension[];
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;
const mean = (xs: number[]): number | null => (xs.length ? oneDecimal(xs.reduce((s, x) => s + x, 0) / xs.length) : null);
const rated = (v: number | null | undefined): v is number => typeof v === 'number' && v >= 1 && v <= 5;
const dims = <T>(f: (d: HealthDimension) => T): Dims<T> => Object.fromEntries(healthDimensions.map((d) => [d, f(d)])) as Dims<T>;
const isPartner = (c: RatedCheck) => c.source === 'partner';
// Answers recorded before rounds were stored fall back to the day their request was sent.
const roundOf = (c: RatedCheck): Date => c.round ?? c.periodStart;
const dayKey = (d: Date) => d.toISOString().slice(0, 10);

/** The partner's side of one round: each dimension averaged over the contacts who rated it. */
function partnerSide(answers: readonly RatedCheck[]): Comparison['partner'] {
  return {
    score: mean(answers.map((a) => a.healthScore).filter((s): s is number => typeof s === 'number')),
    health: dims((d) => mean(answers.map((a) => a.health?.[d]).filter(rated))),
  };
}

function nearest<T extends { periodEnd: Date }>(list: readonly T[], at: Date): T {
  let best = list[0]!;
  for (const c of list) if (Math.abs(c.periodEnd.getTime() - at.getTime()) < Math.abs(best.periodEnd.getTime() - at.getTime())) best = c;
  return best;
}

/** Every round of partner answers set against the team check closest to it, oldest round first. */
export function compareSides(checks: readonly RatedCheck[]): Comparison[] {
  const team = checks
    .filter((c) => !isPartner(c) && typeof c.healthScore === 'number')
    .sort((a, b) => a.periodEnd.getTime() - b.periodEnd.getTime());
  if (!team.length) return [];
  const rounds = new Map<string, { at: Date; answers: RatedCheck[] }>();
  for (const c of checks.filter(isPartner)) {
    const key = dayKey(roundOf(c));
    const round = rounds.get(key) ?? { at: roundOf(c), answers: [] };
    round.answers.push(c);
    rounds.set(key, round);
  }
  return [...rounds.values()]
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map(({ at, answers }) => {
      const t = nearest(team, at);
      const ours = dims((d) => (rated(t.health?.[d]) ? t.health[d] : null));
      const theirs = partnerSide(answers);
      const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : oneDecimal(a - b));
      const gap = dims((d) => diff(theirs.health[d], ours[d]));
      return {
        at,
        answers: answers.length,
        team: { periodEnd: t.periodEnd, score: t.healthScore!, health: ours },
        partner: theirs,
        gap: { score: diff(theirs.score, t.healthScore!), health: gap },
        flagged: healthDimensions.filter((d) => gap[d] !== null && Math.abs(gap[d]) >= GAP_FLAG_POINTS),
      };
    });
}

/** The latest comparison of an agreement's checks, or null when one side has not rated yet. */
export const latestComparison = (checks: readonly RatedCheck[]): Comparison | null => compareSides(checks).at(-1) ?? null;
