// Every figure of the dashboard is the size of a list: a block's records (a selection), or those of
// them filed under one key (a stage, a status, a partner type, a professional...). The figure and the
// click-through list behind it are both computed here, from the same selection and the same keys, so
// the number shown and the rows listed cannot disagree.
import type { KpiStatus } from '../agreements/constants.js';
import { agreementStatuses, formalKinds } from '../agreements/constants.js';
import { partnerTypes, stages, type PartnerType, type Stage } from '../partners/constants.js';
import { latestComparisons, latestTeamChecks, widestGap } from './health-rows.js';
import { isEscalated } from '../blockers/constants.js';
import { config } from '../config.js';
import { DAY, type AgreementRow, type Portfolio } from './portfolio.js';
import { mapKey } from './map-key.js';

export const endingWindows = [30, 60, 90] as const;
export const attainmentStatuses = ['on_track', 'at_risk', 'off_track', 'no_data'] as const;
/** The standard's mastery goal: at least five agreements, with a wide range of stakeholders. */
export const MASTERY_AGREEMENTS = 5;
export const MASTERY_TYPES = 3;
/** Agreements a professional has established: they went through approval to active. */
export const establishedStatuses = ['active', 'expired', 'terminated', 'renewed'] as const;

export type KpiRow = { agreement: AgreementRow; kpi: AgreementRow['kpis'][number] };

/** The records of a block, and the keys each one counts under (none: it counts only in the block's total). */
interface Selection<T> {
  all(p: Portfolio): readonly T[];
  keys?(p: Portfolio, row: T): readonly string[];
}
const selection = <T>(all: Selection<T>['all'], keys?: Selection<T>['keys']): Selection<T> => ({ all, keys });

const active = (p: Portfolio) => p.agreements.filter((a) => a.status === 'active');
const daysUntil = (d: Date, now: Date) => (d.getTime() - now.getTime()) / DAY;
const names = new Intl.Collator();
const byTitle = (a: AgreementRow, b: AgreementRow) => names.compare(a.title, b.title);
const severity: Record<KpiStatus, number> = { off_track: 0, at_risk: 1, no_data: 2, on_track: 3 };
const worstFirst = (x: KpiRow, y: KpiRow) => severity[x.kpi.status] - severity[y.kpi.status] || byTitle(x.agreement, y.agreement);

/** Funding recorded: a total or at least one installment (an agreement may have none). */
export const hasFunding = (a: AgreementRow) => !a.funding?.none && (a.funding?.total != null || (a.funding?.installments?.length ?? 0) > 0);
export const currencyOf = (a: AgreementRow) => a.funding?.currency || 'CAD';

const typesOfCache = new WeakMap<Portfolio, Map<AgreementRow, PartnerType[]>>();
/** The distinct partner types of an agreement's partners (worked out once per portfolio). */
export function typesOf(p: Portfolio, a: AgreementRow): PartnerType[] {
  let cache = typesOfCache.get(p);
  if (!cache) typesOfCache.set(p, (cache = new Map<AgreementRow, PartnerType[]>()));
  let types = cache.get(a);
  if (!types) {
    types = [...new Set(a.partnerIds.map((id) => p.partners.get(String(id))?.type).filter((t): t is PartnerType => Boolean(t)))];
    cache.set(a, types);
  }
  return types;
}

export const selections = {
  /** Partners of the filter, by their place on the portfolio map (type and region, map-block.ts). */
  map: selection(
    (p) => [...p.partnerList].sort((a, b) => names.compare(a.name, b.name)),
    (_p, x) => [mapKey(x.type, x.region)],
  ),
  /** Partners of the filter, by stage. */
  stage: selection(
    (p) => [...p.partnerList].sort((a, b) => names.compare(a.name, b.name)),
    (_p, x) => [x.stage],
  ),
  /** Stage changes of the period: under the stage entered, and under "from>to" ("new" for a creation). */
  movement: selection(
    (p) => p.changes,
    (_p, c) => [c.to, `${c.from ?? 'new'}>${c.to}`],
  ),
  /** Agreements of the filter, by status. */
  status: selection(
    (p) => [...p.agreements].sort(byTitle),
    (_p, a) => [a.status],
  ),
  /** Active agreements not yet ended, ending within 90 days; under each window (days) they end within. */
  ending: selection(
    (p) =>
      active(p)
        .filter((a) => a.endDate && daysUntil(a.endDate, p.now) >= 0 && daysUntil(a.endDate, p.now) <= Math.max(...endingWindows))
        .sort((a, b) => a.endDate!.getTime() - b.endDate!.getTime()),
    (p, a) => endingWindows.filter((d) => daysUntil(a.endDate!, p.now) <= d).map(String),
  ),
  /** Every KPI of the active agreements, the worst first, by status. */
  kpis: selection(
    (p) =>
      active(p)
        .flatMap((a) => a.kpis.map((kpi): KpiRow => ({ agreement: a, kpi })))
        .sort(worstFirst),
    (_p, r) => [r.kpi.status],
  ),
  /** Active agreements whose progress check is overdue (followUp.nextCheckDue in the past). */
  checks: selection((p) =>
    active(p)
      .filter((a) => a.followUp?.nextCheckDue && a.followUp.nextCheckDue < p.now)
      .sort((a, b) => a.followUp.nextCheckDue!.getTime() - b.followUp.nextCheckDue!.getTime()),
  ),
  /** Active formal agreements (contracts) without the signed copy of their current version on file. */
  unsigned: selection((p) =>
    active(p)
      .filter((a) => formalKinds.includes(a.kind) && !p.signedCopies.has(String(a._id)))
      .sort(byTitle),
  ),
  tasks: selection((p) => p.tasksOverdue),
  meetings: selection((p) => p.meetingsThisWeek),
  /** Active agreements rated by a team progress check of the last year, with their latest one, the weakest first. */
  health: selection((p) => {
    const latest = latestTeamChecks(p);
    return active(p)
      .filter((a) => latest.has(String(a._id)))
      .map((agreement) => ({ agreement, check: latest.get(String(agreement._id))! }))
      .sort((a, b) => a.check.healthScore - b.check.healthScore || byTitle(a.agreement, b.agreement));
  }),
  /** Active agreements rated by both sides, widest gap first; under "differ" and each dimension flagged. */
  sides: selection(
    (p) => {
      const latest = latestComparisons(p);
      return active(p)
        .filter((a) => latest.has(String(a._id)))
        .map((agreement) => ({ agreement, comparison: latest.get(String(agreement._id))! }))
        .sort((a, b) => widestGap(b.comparison) - widestGap(a.comparison) || byTitle(a.agreement, b.agreement));
    },
    (_p, r) => (r.comparison.flagged.length ? ['differ', ...r.comparison.flagged] : []),
  ),
  /** Open blockers of running agreements, the oldest (the worst) first; under "escalated" those open too long. */
  blockers: selection(
    (p) => p.blockers,
    (p, b) => (isEscalated({ status: 'open', raisedAt: b.raisedAt }, p.now, config.reminders.blockerEscalationDays) ? ['escalated'] : []),
  ),
  /** Active agreements, under each partner type they involve (an agreement with two types counts for both). */
  diversity: selection((p) => active(p).sort(byTitle), typesOf),
  /** Agreements established, by owner id. */
  mastery: selection(
    (p) => p.agreements.filter((a) => (establishedStatuses as readonly string[]).includes(a.status)).sort(byTitle),
    (_p, a) => [String(a.ownerId)],
  ),
  /** Active agreements with funding recorded, by currency. */
  funding: selection(
    (p) => active(p).filter(hasFunding).sort(byTitle),
    (_p, a) => [currencyOf(a)],
  ),
};
export type RowBlock = keyof typeof selections;
export const rowBlocks = Object.keys(selections) as RowBlock[];
export type RowOf<B extends RowBlock> = ReturnType<(typeof selections)[B]['all']>[number];

const allCache = new WeakMap<Portfolio, Map<RowBlock, readonly unknown[]>>();
function allOf<B extends RowBlock>(p: Portfolio, block: B): readonly RowOf<B>[] {
  let cache = allCache.get(p);
  if (!cache) allCache.set(p, (cache = new Map<RowBlock, readonly unknown[]>()));
  let list = cache.get(block);
  if (!list) cache.set(block, (list = (selections[block] as Selection<unknown>).all(p)));
  return list as readonly RowOf<B>[];
}
const keysOf = (p: Portfolio, block: RowBlock, row: unknown) => (selections[block] as Selection<unknown>).keys?.(p, row) ?? [];

/** The records behind a figure: the block's records, or those filed under `key`. */
export function rowsOf<B extends RowBlock>(p: Portfolio, block: B, key?: string): readonly RowOf<B>[] {
  const list = allOf(p, block);
  return key === undefined ? list : list.filter((r) => keysOf(p, block, r).includes(key));
}

const countCache = new WeakMap<Portfolio, Map<RowBlock, Map<string, number>>>();
/** The figures of a block: `count(key)` records under a key (0 if none), `count()` all of them. */
export function figures(p: Portfolio, block: RowBlock): (key?: string) => number {
  let cache = countCache.get(p);
  if (!cache) countCache.set(p, (cache = new Map<RowBlock, Map<string, number>>()));
  let by = cache.get(block);
  if (!by) {
    by = new Map<string, number>();
    for (const r of allOf(p, block)) for (const k of keysOf(p, block, r)) by.set(k, (by.get(k) ?? 0) + 1);
    cache.set(block, by);
  }
  const counts = by;
  const total = allOf(p, block).length;
  return (key) => (key === undefined ? total : (counts.get(key) ?? 0));
}

// ---------- the blocks: their figures, and what is not a count (shares, averages, sums) ----------

export function pipeline(p: Portfolio) {
  const partners = figures(p, 'stage');
  const moved = figures(p, 'movement');
  const entered = Object.fromEntries(stages.map((s) => [s, moved(s)])) as Record<Stage, number>;
  const pairs = new Map<string, { from: Stage | null; to: Stage }>();
  for (const c of p.changes) pairs.set(`${c.from ?? 'new'}>${c.to}`, { from: c.from ?? null, to: c.to });
  const movements = [...pairs]
    .map(([key, m]) => ({ ...m, key, count: moved(key) }))
    .sort((a, b) => b.count - a.count || stages.indexOf(a.to) - stages.indexOf(b.to));
  return {
    total: partners(),
    perStage: stages.map((s) => ({ stage: s, count: partners(s) })),
    entered,
    movements,
    period: p.filter.period,
  };
}

export function agreementsBlock(p: Portfolio) {
  const byStatus = figures(p, 'status');
  const ending = figures(p, 'ending');
  return {
    total: byStatus(),
    perStatus: agreementStatuses.map((s) => ({ status: s, count: byStatus(s) })),
    ending: endingWindows.map((d) => ({ days: d, count: ending(String(d)) })),
  };
}

export function attainment(p: Portfolio) {
  const byStatus = figures(p, 'kpis');
  const counts = Object.fromEntries(attainmentStatuses.map((s) => [s, byStatus(s)])) as Record<KpiStatus, number>;
  const measured = counts.on_track + counts.at_risk + counts.off_track;
  const share = (n: number) => (measured ? Math.round((n / measured) * 1000) / 10 : 0);
  return {
    total: byStatus(),
    counts,
    shares: { on_track: share(counts.on_track), at_risk: share(counts.at_risk), off_track: share(counts.off_track) },
    worst: rowsOf(p, 'kpis').slice(0, 10),
  };
}

export function followUpHealth(p: Portfolio) {
  return {
    checksOverdue: figures(p, 'checks')(),
    tasksOverdue: figures(p, 'tasks')(),
    meetingsThisWeek: figures(p, 'meetings')(),
    unsigned: figures(p, 'unsigned')(),
  };
}

export function diversity(p: Portfolio) {
  const byType = figures(p, 'diversity');
  const perType = partnerTypes.map((type) => ({ type, count: byType(type) }));
  return { total: byType(), perType, typesCovered: perType.filter((t) => t.count > 0).length, totalTypes: partnerTypes.length };
}

/** Per professional: agreements established and distinct partner types spanned, against the mastery goal. */
export function mastery(p: Portfolio) {
  const established = figures(p, 'mastery');
  const types = new Map<string, Set<PartnerType>>();
  for (const a of rowsOf(p, 'mastery')) {
    const set = types.get(String(a.ownerId)) ?? new Set<PartnerType>();
    for (const t of typesOf(p, a)) set.add(t);
    types.set(String(a.ownerId), set);
  }
  const rows = [...p.owners.entries()]
    .filter(([id, u]) => u.role === 'professional' || established(id) > 0)
    .filter(([id]) => !p.filter.ownerId || String(p.filter.ownerId) === id)
    .map(([id, u]) => {
      const agreements = established(id);
      const spanned = types.get(id)?.size ?? 0;
      return {
        userId: id,
        name: u.name,
        agreements,
        types: spanned,
        meetsGoal: agreements >= MASTERY_AGREEMENTS && spanned >= MASTERY_TYPES,
      };
    });
  return rows.sort((a, b) => b.agreements - a.agreements || a.name.localeCompare(b.name));
}

type Installment = AgreementRow['funding']['installments'][number];
const sumOf = (a: AgreementRow, pred: (i: Installment) => boolean) =>
  (a.funding?.installments ?? []).filter(pred).reduce((t, i) => t + (i.amount ?? 0), 0);
/** An agreement's funding: committed (total, or its installments), received (paid), due (unpaid, date passed). */
export const fundingOf = (a: AgreementRow, now: Date) => ({
  committed: a.funding?.total ?? sumOf(a, () => true),
  received: sumOf(a, (i) => Boolean(i.paid)),
  due: sumOf(a, (i) => !i.paid && Boolean(i.dueDate) && i.dueDate! <= now),
});

/** Per currency over the active agreements with funding: committed, received and due, and how many agreements. */
export function funding(p: Portfolio) {
  const count = figures(p, 'funding');
  const sums = new Map<string, { committed: number; received: number; due: number }>();
  for (const a of rowsOf(p, 'funding')) {
    const s = sums.get(currencyOf(a)) ?? { committed: 0, received: 0, due: 0 };
    const f = fundingOf(a, p.now);
    s.committed += f.committed;
    s.received += f.received;
    s.due += f.due;
    sums.set(currencyOf(a), s);
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, s]) => ({ currency, ...s, agreements: count(currency) }));
}
