import { expect } from 'chai';
import { compareSides, latestComparison, type RatedCheck } from '../../src/progress/two-sided.js';

const d = (iso: string) => new Date(`${iso}T12:00:00Z`);
const h = (
  trust: number | null,
  communication: number | null,
  sharedGoals: number | null,
  roles: number | null,
  mutualBenefit: number | null,
) => ({
  trust,
  communication,
  sharedGoals,
  roles,
  mutualBenefit,
});
const sum = (x: ReturnType<typeof h>) => {
  const v = Object.values(x);
  return v.every((n) => n !== null) ? v.reduce((s, n) => s + n, 0) : null;
};
const team = (end: string, health: ReturnType<typeof h>): RatedCheck => ({
  periodStart: d(end),
  periodEnd: d(end),
  source: 'team',
  health,
  healthScore: sum(health),
});
const partner = (round: string, answered: string, health: ReturnType<typeof h>): RatedCheck => ({
  periodStart: d(round),
  periodEnd: d(answered),
  source: 'partner',
  round: d(round),
  health,
  healthScore: sum(health),
});

describe('health from both sides (the gap rule)', () => {
  it('sets a round against the team check closest in time, averages the contacts and flags a gap of two points or more', () => {
    const checks = [
      team('2026-01-10', h(4, 4, 4, 4, 4)),
      team('2026-04-05', h(5, 4, 4, 3, 4)), // closest to the April round
      partner('2026-04-01', '2026-04-03', h(3, 4, 2, 5, 4)),
      partner('2026-04-01', '2026-04-09', h(2, 4, 3, 5, null)), // mutual benefit left unrated
    ];
    const [c] = compareSides(checks);
    expect(c!.answers).to.equal(2);
    expect(c!.team.periodEnd.toISOString().slice(0, 10)).to.equal('2026-04-05');
    expect(c!.team.score).to.equal(20);
    // Partner: trust (3+2)/2 = 2.5, communication 4, shared goals 2.5, roles 5, mutual benefit 4 (one answer).
    expect(c!.partner.health).to.deep.equal({ trust: 2.5, communication: 4, sharedGoals: 2.5, roles: 5, mutualBenefit: 4 });
    // Only the first answer is complete: 18.
    expect(c!.partner.score).to.equal(18);
    expect(c!.gap.health).to.deep.equal({ trust: -2.5, communication: 0, sharedGoals: -1.5, roles: 2, mutualBenefit: 0 });
    expect(c!.gap.score).to.equal(-2);
    expect(c!.flagged).to.deep.equal(['trust', 'roles']);
  });

  it('keeps every round in date order, and a side that did not rate gives no gap', () => {
    const checks = [
      team('2026-01-10', h(3, 3, 3, 3, 3)),
      partner('2026-07-01', '2026-07-02', h(null, null, null, null, null)),
      partner('2026-01-01', '2026-01-05', h(5, 3, 3, 3, 3)),
    ];
    const rounds = compareSides(checks);
    expect(rounds.map((r) => r.at.toISOString().slice(0, 10))).to.deep.equal(['2026-01-01', '2026-07-01']);
    expect(rounds[0]!.flagged).to.deep.equal(['trust']);
    expect(rounds[1]!.gap.score).to.equal(null);
    expect(rounds[1]!.gap.health.trust).to.equal(null);
    expect(rounds[1]!.flagged).to.deep.equal([]);
    expect(latestComparison(checks)!.at.toISOString().slice(0, 10)).to.equal('2026-07-01');
  });

  it('compares nothing until both sides have rated', () => {
    expect(latestComparison([team('2026-01-10', h(3, 3, 3, 3, 3))])).to.equal(null);
    expect(latestComparison([partner('2026-01-01', '2026-01-05', h(5, 3, 3, 3, 3))])).to.equal(null);
  });

  it('a difference just under two points is not flagged', () => {
    const [c] = compareSides([
      team('2026-01-10', h(4, 4, 4, 4, 4)),
      partner('2026-01-01', '2026-01-05', h(2, 4, 4, 4, 4)),
      partner('2026-01-01', '2026-01-06', h(3, 4, 4, 4, 4)),
    ]);
    expect(c!.gap.health.trust).to.equal(-1.5);
    expect(c!.flagged).to.deep.equal([]);
  });
});
