// The dashboard's "open blockers" block: how many, how many escalated, and the oldest first.
import { ageInDays } from '../blockers/constants.js';
import { figures, rowsOf } from './figures.js';
import type { Portfolio } from './portfolio.js';

export function openBlockersBlock(p: Portfolio) {
  const count = figures(p, 'blockers');
  const titles = new Map(p.agreements.map((a) => [String(a._id), a.title]));
  const escalated = new Set(rowsOf(p, 'blockers', 'escalated'));
  return {
    open: count(),
    escalated: count('escalated'),
    worst: rowsOf(p, 'blockers')
      .slice(0, 5)
      .map((b) => ({ ...b, title: titles.get(String(b.agreementId)) ?? '', age: ageInDays(b, p.now), escalated: escalated.has(b) })),
  };
}
