// Steering dashboard (issue 7): every figure of the portfolio page, computed from a fixed number of
// database commands however large the portfolio (FerretDB 1.24: one accumulator per $group, no
// $lookup/$facet, so joins are done in memory from projected reads). Nothing is cached: every
// request reads the current data, so a user's own change shows at once.
import { agreementDirectory } from '../agreements/directory.js';
import { Types } from 'mongoose';
import { agreementStatuses, type AgreementStatus, type KpiStatus } from '../agreements/constants.js';
import { meetingsStartingBetween, sameId, type ListedMeeting } from '../meetings/directory.js';
import { PartnerModel } from '../partners/model.js';
import { stageChangesBetween } from '../partners/stage-directory.js';
import { partnerDirectory, partnersById } from '../partners/directory.js';
import { partnerTypes, stages, type PartnerType, type Stage } from '../partners/constants.js';
import { healthDimensions, ProgressCheckModel, type HealthDimension } from '../progress/model.js';
import { TaskModel } from '../tasks/model.js';
import { UserModel } from '../users/model.js';
import { pushTo } from '../util/group.js';

export const periods = [30, 90, 365] as const;
export const endingWindows = [30, 60, 90] as const;
export const attainmentStatuses = ['on_track', 'at_risk', 'off_track', 'no_data'] as const;
/** The standard's mastery goal: at least five agreements, with a wide range of stakeholders. */
export const MASTERY_AGREEMENTS = 5;
export const MASTERY_TYPES = 3;
/** Agreements a professional has established: they went through approval to active. */
export const establishedStatuses: AgreementStatus[] = ['active', 'expired', 'terminated', 'renewed'];
const DAY = 86_400_000;
const BIG_BATCH = 100_000; // one command per read (no getMore) at the sizes the issue names

export interface DashboardFilter {
  ownerId: Types.ObjectId | null;
  type: PartnerType | null;
  region: string | null;
  period: (typeof periods)[number];
}

// ---------- raw data: a bounded number of reads ----------

interface AgreementRow {
  _id: Types.ObjectId;
  title: string;
  ownerId: Types.ObjectId;
  partnerIds: Types.ObjectId[];
  status: AgreementStatus;
  endDate: Date | null;
  kpis: { _id: Types.ObjectId; name: string; status: KpiStatus; latestValue: number | null; target: number; unit: string }[];
  funding: {
    none?: boolean;
    total?: number | null;
    currency?: string;
    installments: { dueDate?: Date | null; amount?: number | null; paid?: boolean }[];
  };
  followUp: { nextCheckDue?: Date | null };
}

interface PartnerInfo {
  _id: Types.ObjectId;
  name: string;
  type: PartnerType;
  region: string;
  ownerId: Types.ObjectId;
}

export interface Portfolio {
  filter: DashboardFilter;
  now: Date;
  stageCounts: Record<Stage, number>;
  /** Partners matching the owner/type/region filter, or null when no partner filter is set. */
  partnerIds: Types.ObjectId[] | null;
  movements: { from: Stage | null; to: Stage; count: number }[];
  agreements: AgreementRow[]; // every non-archived agreement of the filter
  partners: ReadonlyMap<string, PartnerInfo>; // the partners of those agreements
  owners: Map<string, { name: string; role: string }>;
  tasksOverdue: number;
  meetingsThisWeek: number;
  checks: { agreementId: Types.ObjectId; periodEnd: Date; healthScore: number; health: Record<HealthDimension, number> }[];
}

const partnerFilter = (f: DashboardFilter): Record<string, unknown> => ({
  archived: false,
  ...(f.ownerId ? { ownerId: f.ownerId } : {}),
  ...(f.type ? { type: f.type } : {}),
  ...(f.region ? { region: f.region } : {}),
});
const hasPartnerFilter = (f: DashboardFilter) => Boolean(f.ownerId || f.type || f.region);
const agreementMatchesPartners = (f: DashboardFilter) => Boolean(f.type || f.region);
const openTask = (now: Date) => ({ status: { $in: ['open', 'in_progress'] }, archived: false, dueDate: { $ne: null, $lt: now } });

/**
 * Reads everything the dashboard needs in seven database commands, whatever the portfolio size.
 * Partners are read once, projected to five small fields: on FerretDB 1.24 every partner query is a
 * full scan (counts and $in included), so one scan serves the stage counts, the owner/type/region
 * filter and the agreements' partner types; on MongoDB it is a ~1 MB read at 20,000 partners.
 */
export async function loadPortfolio(filter: DashboardFilter, now = new Date()): Promise<Portfolio> {
  const since = new Date(now.getTime() - filter.period * DAY);
  const weekEnd = new Date(now.getTime() + 7 * DAY);
  const [allPartners, partners, allAgreements] = await Promise.all([
    // 1. Every partner (archived ones too: an agreement may name one), from the in-memory directory
    //    (src/partners/directory.ts): a read of the change log, not a scan, once it is loaded.
    partnerDirectory() as Promise<readonly (PartnerInfo & { stage: Stage; archived: boolean })[]>,
    partnersById() as Promise<ReadonlyMap<string, PartnerInfo & { stage: Stage; archived: boolean }>>,
    // 2. Every non-archived agreement of the owner, from the agreement directory (the partner
    //    type/region filter is applied in memory).
    agreementDirectory().then((all) =>
      all.filter((a) => !a.archived && (!filter.ownerId || String(a.ownerId) === String(filter.ownerId))),
    ) as unknown as Promise<AgreementRow[]>,
  ]);
  const matches = (p: { archived: boolean; ownerId: Types.ObjectId; type: string; region: string }) =>
    !p.archived &&
    (!filter.ownerId || String(p.ownerId) === String(filter.ownerId)) &&
    (!filter.type || p.type === filter.type) &&
    (!filter.region || p.region === filter.region);
  const stageCounts = Object.fromEntries(stages.map((s) => [s, 0])) as Record<Stage, number>;
  const filtered = allPartners.filter(matches);
  for (const p of filtered) stageCounts[p.stage] += 1;
  const partnerIds = hasPartnerFilter(filter) ? filtered.map((p) => p._id) : null;
  const agreements = agreementMatchesPartners(filter)
    ? allAgreements.filter((a) =>
        a.partnerIds.some((id) => {
          const p = partners.get(String(id));
          return p && (!filter.type || p.type === filter.type) && (!filter.region || p.region === filter.region);
        }),
      )
    : allAgreements;
  const activeIds = agreements.filter((a) => a.status === 'active').map((a) => a._id);
  const ownerIds = [...new Set(agreements.map((a) => String(a.ownerId)))].map((s) => new Types.ObjectId(s));
  const [moves, tasksOverdue, meetingsThisWeek, checks, users] = await Promise.all([
    // 3. Stage movements over the period, from the stage-change directory, matched against the
    //    partners already read when the portfolio is filtered.
    stageChangesBetween(since, now).then((list) => {
      const keep = partnerIds ? new Set(partnerIds.map(String)) : null;
      const groups = new Map<string, { _id: { from: Stage | null; to: Stage }; n: number }>();
      for (const c of list) {
        if (keep && !keep.has(String(c.partnerId))) continue;
        const key = `${c.from ?? ''}>${c.to}`;
        const g = groups.get(key) ?? { _id: { from: c.from ?? null, to: c.to }, n: 0 };
        g.n += 1;
        groups.set(key, g);
      }
      return [...groups.values()];
    }),
    // 4. Overdue tasks.
    TaskModel.countDocuments(taskFilter(filter, partnerIds, now)),
    // 5. Meetings this week.
    meetingsOfWeek(filter, partnerIds, now, weekEnd).then((list) => list.length),
    // 6. Progress checks of the active agreements over the last year (health average, trend, lowest dimension).
    ProgressCheckModel.find(
      { agreementId: { $in: activeIds }, archived: false, periodEnd: { $gte: new Date(now.getTime() - 365 * DAY) } },
      { agreementId: 1, periodEnd: 1, healthScore: 1, health: 1 },
    )
      .batchSize(BIG_BATCH)
      .lean<Portfolio['checks']>(),
    // 7. Names of the owners and of the active professionals (mastery lists everyone, even at zero).
    UserModel.find({ $or: [{ _id: { $in: ownerIds } }, { status: 'active', role: 'professional' }] }, { name: 1, role: 1 })
      .batchSize(BIG_BATCH)
      .lean(),
  ]);
  return {
    filter,
    now,
    stageCounts,
    partnerIds,
    movements: moves.map((m) => ({ from: m._id.from ?? null, to: m._id.to, count: m.n })),
    agreements,
    partners,
    owners: new Map(users.map((u) => [String(u._id), { name: u.name, role: u.role }])),
    tasksOverdue,
    meetingsThisWeek,
    checks,
  };
}

function taskFilter(filter: DashboardFilter, partnerIds: Types.ObjectId[] | null, now: Date): Record<string, unknown> {
  const q: Record<string, unknown> = openTask(now);
  if (filter.ownerId) q.ownerId = filter.ownerId;
  if (partnerIds && agreementMatchesPartners(filter)) q.partnerId = { $in: partnerIds };
  return q;
}

/** The meetings of [now, weekEnd) in the filter, soonest first, from the meeting directory. */
async function meetingsOfWeek(
  filter: DashboardFilter,
  partnerIds: Types.ObjectId[] | null,
  now: Date,
  weekEnd: Date,
): Promise<ListedMeeting[]> {
  const keep = partnerIds && agreementMatchesPartners(filter) ? new Set(partnerIds.map(String)) : null;
  return (await meetingsStartingBetween(now, weekEnd)).filter(
    (m) =>
      !m.cancelled && !m.archived && (!filter.ownerId || sameId(m.ownerId, filter.ownerId)) && (!keep || keep.has(String(m.partnerId))),
  );
}

// ---------- the blocks, computed in memory from the portfolio ----------

const active = (p: Portfolio) => p.agreements.filter((a) => a.status === 'active');
const daysUntil = (d: Date, now: Date) => (d.getTime() - now.getTime()) / DAY;

export function pipeline(p: Portfolio) {
  const entered = Object.fromEntries(stages.map((s) => [s, 0])) as Record<Stage, number>;
  for (const m of p.movements) entered[m.to] += m.count;
  const movements = [...p.movements].sort((a, b) => b.count - a.count || stages.indexOf(a.to) - stages.indexOf(b.to));
  return { perStage: stages.map((s) => ({ stage: s, count: p.stageCounts[s] })), entered, movements, period: p.filter.period };
}

/** Active agreements ending within `days` (not yet ended). */
export const endingWithin = (p: Portfolio, days: number) =>
  active(p)
    .filter((a) => a.endDate && daysUntil(a.endDate, p.now) >= 0 && daysUntil(a.endDate, p.now) <= days)
    .sort((a, b) => a.endDate!.getTime() - b.endDate!.getTime());

export function agreementsBlock(p: Portfolio) {
  const perStatus = agreementStatuses.map((s) => ({ status: s, count: p.agreements.filter((a) => a.status === s).length }));
  const ending = endingWindows.map((d) => ({ days: d, count: endingWithin(p, d).length }));
  return { perStatus, ending };
}

const severity: Record<KpiStatus, number> = { off_track: 0, at_risk: 1, no_data: 2, on_track: 3 };

const titles = new Intl.Collator();
type KpiRow = { agreement: AgreementRow; kpi: AgreementRow['kpis'][number] };
const worstFirst = (x: KpiRow, y: KpiRow) =>
  severity[x.kpi.status] - severity[y.kpi.status] || titles.compare(x.agreement.title, y.agreement.title);
const allKpis = (p: Portfolio): KpiRow[] => active(p).flatMap((a) => a.kpis.map((k) => ({ agreement: a, kpi: k })));

/** Every KPI of the active agreements, the worst first. */
export const kpiRows = (p: Portfolio): KpiRow[] => allKpis(p).sort(worstFirst);

export function attainment(p: Portfolio) {
  const rows = allKpis(p);
  const counts = Object.fromEntries(attainmentStatuses.map((s) => [s, 0])) as Record<KpiStatus, number>;
  for (const r of rows) counts[r.kpi.status] += 1;
  const measured = counts.on_track + counts.at_risk + counts.off_track;
  const share = (n: number) => (measured ? Math.round((n / measured) * 1000) / 10 : 0);
  return {
    total: rows.length,
    counts,
    shares: { on_track: share(counts.on_track), at_risk: share(counts.at_risk), off_track: share(counts.off_track) },
    worst: worstTen(rows),
  };
}

/** The ten worst rows, as kpiRows would order them, sorting only the severities they come from. */
function worstTen(rows: KpiRow[]): KpiRow[] {
  const worst: KpiRow[] = [];
  for (const status of ['off_track', 'at_risk', 'no_data', 'on_track'] as const) {
    if (worst.length >= 10) break;
    worst.push(
      ...rows
        .filter((r) => r.kpi.status === status)
        .sort(worstFirst)
        .slice(0, 10 - worst.length),
    );
  }
  return worst;
}

/** Active agreements whose progress check is overdue (followUp.nextCheckDue in the past). */
export const overdueProgressChecks = (p: Portfolio) =>
  active(p)
    .filter((a) => a.followUp?.nextCheckDue && a.followUp.nextCheckDue < p.now)
    .sort((a, b) => a.followUp.nextCheckDue!.getTime() - b.followUp.nextCheckDue!.getTime());

export const meetingsThisWeek = (p: Portfolio) => ({ count: p.meetingsThisWeek });

export function followUpHealth(p: Portfolio) {
  return { checksOverdue: overdueProgressChecks(p).length, tasksOverdue: p.tasksOverdue, meetingsThisWeek: meetingsThisWeek(p).count };
}

/** Health score (5–25) of each active agreement's latest check, their average, a monthly trend and the weakest dimension. */
export function partnershipHealth(p: Portfolio) {
  const latest = new Map<string, Portfolio['checks'][number]>();
  for (const c of p.checks) {
    const k = String(c.agreementId);
    const prev = latest.get(k);
    if (!prev || prev.periodEnd < c.periodEnd) latest.set(k, c);
  }
  const last = [...latest.values()];
  const avg = (xs: number[]) => (xs.length ? Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 10) / 10 : null);
  const dims = Object.fromEntries(healthDimensions.map((d) => [d, avg(last.map((c) => c.health[d]))])) as Record<
    HealthDimension,
    number | null
  >;
  const lowest = last.length ? healthDimensions.reduce((w, d) => (dims[d]! < dims[w]! ? d : w), healthDimensions[0]) : null;
  const months = new Map<string, number[]>();
  for (const c of p.checks) {
    pushTo(months, c.periodEnd.toISOString().slice(0, 7), c.healthScore);
  }
  const trend = [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, xs]) => ({ month, average: avg(xs)! }));
  return { agreementsRated: last.length, average: avg(last.map((c) => c.healthScore)), dimensions: dims, lowest, trend };
}

const typesOfCache = new WeakMap<Portfolio, Map<AgreementRow, PartnerType[]>>();
/** The distinct partner types of an agreement's partners (worked out once per portfolio). */
const typesOf = (p: Portfolio, a: AgreementRow): PartnerType[] => {
  let cache = typesOfCache.get(p);
  if (!cache) typesOfCache.set(p, (cache = new Map<AgreementRow, PartnerType[]>()));
  let types = cache.get(a);
  if (!types) {
    types = [...new Set(a.partnerIds.map((id) => p.partners.get(String(id))?.type).filter((t): t is PartnerType => Boolean(t)))];
    cache.set(a, types);
  }
  return types;
};

/** Active agreements per partnership type (an agreement with partners of two types counts for both). */
export function diversity(p: Portfolio) {
  const list = active(p);
  const perType = partnerTypes.map((type) => ({ type, count: list.filter((a) => typesOf(p, a).includes(type)).length }));
  return { perType, typesCovered: perType.filter((t) => t.count > 0).length, totalTypes: partnerTypes.length };
}
export const diversityRows = (p: Portfolio, type: PartnerType) => active(p).filter((a) => typesOf(p, a).includes(type));

/** Per professional: agreements established and distinct partner types spanned, against the mastery goal. */
export function mastery(p: Portfolio) {
  const owning = new Map<string, AgreementRow[]>();
  for (const a of p.agreements) pushTo(owning, String(a.ownerId), a);
  const rows = [...p.owners.entries()]
    .filter(([id, u]) => u.role === 'professional' || owning.has(id))
    .filter(([id]) => !p.filter.ownerId || String(p.filter.ownerId) === id)
    .map(([id, u]) => {
      const mine = (owning.get(id) ?? []).filter((a) => establishedStatuses.includes(a.status));
      const types = new Set(mine.flatMap((a) => typesOf(p, a)));
      const agreements = mine.length;
      return {
        userId: id,
        name: u.name,
        agreements,
        types: types.size,
        meetsGoal: agreements >= MASTERY_AGREEMENTS && types.size >= MASTERY_TYPES,
      };
    });
  return rows.sort((a, b) => b.agreements - a.agreements || a.name.localeCompare(b.name));
}
export const masteryRows = (p: Portfolio, userId: string) =>
  p.agreements.filter((a) => String(a.ownerId) === userId && establishedStatuses.includes(a.status));

/** Per currency over the active agreements: committed (total), received (installments paid), due (unpaid, date passed). */
export function funding(p: Portfolio) {
  const sums = new Map<string, { committed: number; received: number; due: number; agreements: number }>();
  for (const a of active(p)) {
    if (!hasFunding(a)) continue;
    const cur = a.funding?.currency || 'CAD';
    const s = sums.get(cur) ?? { committed: 0, received: 0, due: 0, agreements: 0 };
    const inst = a.funding?.installments ?? [];
    s.committed += a.funding?.total ?? inst.reduce((t, i) => t + (i.amount ?? 0), 0);
    s.received += inst.filter((i) => i.paid).reduce((t, i) => t + (i.amount ?? 0), 0);
    s.due += inst.filter((i) => !i.paid && i.dueDate && i.dueDate <= p.now).reduce((t, i) => t + (i.amount ?? 0), 0);
    s.agreements += 1;
    sums.set(cur, s);
  }
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, s]) => ({ currency, ...s }));
}
export const fundingRows = (p: Portfolio, currency: string) =>
  active(p).filter((a) => hasFunding(a) && (a.funding?.currency || 'CAD') === currency);
/** Funding recorded: a total or at least one installment (an agreement may have none). */
const hasFunding = (a: AgreementRow) => !a.funding?.none && (a.funding?.total != null || (a.funding?.installments?.length ?? 0) > 0);

export async function dashboard(filter: DashboardFilter, now = new Date()) {
  const p = await loadPortfolio(filter, now);
  return {
    portfolio: p,
    pipeline: pipeline(p),
    agreements: agreementsBlock(p),
    attainment: attainment(p),
    followUp: followUpHealth(p),
    health: partnershipHealth(p),
    diversity: diversity(p),
    mastery: mastery(p),
    funding: funding(p),
  };
}

// ---------- rows behind the figures (click-through pages and CSV) ----------

export const rowBlocks = [
  'stage',
  'movement',
  'status',
  'ending',
  'kpis',
  'checks',
  'tasks',
  'meetings',
  'diversity',
  'mastery',
  'funding',
] as const;
export type RowBlock = (typeof rowBlocks)[number];

export interface RowParams {
  stage?: Stage;
  from?: Stage | 'none';
  status?: AgreementStatus;
  within?: number;
  kpiStatus?: KpiStatus;
  type?: PartnerType;
  user?: string;
  currency?: string;
}

export interface RowTable {
  columns: string[]; // i18n keys under dashboard:columns
  rows: { cells: (string | number)[]; href: string | null }[];
}

const ROW_CAP = 50_000;

/** The rows behind one dashboard figure, with the same filter: their number is the figure. */
export async function blockRows(block: RowBlock, params: RowParams, filter: DashboardFilter, now = new Date()): Promise<RowTable> {
  const iso = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : '');
  const agreementTable = (list: AgreementRow[], p: Portfolio): RowTable => ({
    columns: ['agreement', 'partners', 'owner', 'status', 'endDate'],
    rows: list.map((a) => ({
      cells: [
        a.title,
        a.partnerIds.map((id) => p.partners.get(String(id))?.name ?? '').join(', '),
        p.owners.get(String(a.ownerId))?.name ?? '',
        a.status,
        iso(a.endDate),
      ],
      href: `/agreements/${String(a._id)}`,
    })),
  });
  if (block === 'stage' || block === 'movement') {
    const partners = await partnersFor(block, params, filter, now);
    const owners = new Map(
      (await UserModel.find({ _id: { $in: [...new Set(partners.map((x) => String(x.ownerId)))] } }, { name: 1 }).lean()).map((u) => [
        String(u._id),
        u.name,
      ]),
    );
    return {
      columns: ['partner', 'type', 'stage', 'region', 'owner'],
      rows: partners.map((x) => ({
        cells: [x.name, x.type, x.stage, x.region, owners.get(String(x.ownerId)) ?? ''],
        href: `/partners/${String(x._id)}`,
      })),
    };
  }
  if (block === 'tasks') {
    const ids = hasPartnerFilter(filter) ? (await PartnerModel.find(partnerFilter(filter), { _id: 1 }).lean()).map((d) => d._id) : null;
    const tasks = await TaskModel.find(taskFilter(filter, ids, now))
      .sort({ dueDate: 1 })
      .limit(ROW_CAP)
      .lean();
    return {
      columns: ['task', 'dueDate', 'taskStatus'],
      rows: tasks.map((t) => ({
        cells: [t.title, iso(t.dueDate), t.status],
        href: t.partnerId ? `/partners/${String(t.partnerId)}` : '/tasks',
      })),
    };
  }
  if (block === 'meetings') {
    const ids = hasPartnerFilter(filter) ? (await PartnerModel.find(partnerFilter(filter), { _id: 1 }).lean()).map((d) => d._id) : null;
    const list = (await meetingsOfWeek(filter, ids, now, new Date(now.getTime() + 7 * DAY))).slice(0, ROW_CAP);
    return {
      columns: ['meeting', 'start', 'kind'],
      rows: list.map((m) => ({
        cells: [m.title, m.start.toISOString().slice(0, 16).replace('T', ' '), m.kind],
        href: `/meetings/${String(m._id)}`,
      })),
    };
  }
  const p = await loadPortfolio(filter, now);
  switch (block) {
    case 'status':
      return agreementTable(
        p.agreements.filter((a) => !params.status || a.status === params.status),
        p,
      );
    case 'ending':
      return agreementTable(endingWithin(p, params.within ?? 90), p);
    case 'checks':
      return {
        columns: ['agreement', 'owner', 'checkDue'],
        rows: overdueProgressChecks(p).map((a) => ({
          cells: [a.title, p.owners.get(String(a.ownerId))?.name ?? '', iso(a.followUp.nextCheckDue)],
          href: `/agreements/${String(a._id)}`,
        })),
      };
    case 'kpis':
      return {
        columns: ['agreement', 'kpi', 'latestValue', 'target', 'kpiStatus'],
        rows: kpiRows(p)
          .filter((r) => !params.kpiStatus || r.kpi.status === params.kpiStatus)
          .map((r) => ({
            cells: [r.agreement.title, r.kpi.name, r.kpi.latestValue ?? '', r.kpi.target, r.kpi.status],
            href: `/agreements/${String(r.agreement._id)}`,
          })),
      };
    case 'diversity':
      return agreementTable(params.type ? diversityRows(p, params.type) : active(p), p);
    case 'mastery':
      return agreementTable(
        params.user ? masteryRows(p, params.user) : p.agreements.filter((a) => establishedStatuses.includes(a.status)),
        p,
      );
    case 'funding': {
      const list = params.currency ? fundingRows(p, params.currency) : active(p).filter(hasFunding);
      const sum = (a: AgreementRow, pred: (i: AgreementRow['funding']['installments'][number]) => boolean) =>
        (a.funding?.installments ?? []).filter(pred).reduce((t, i) => t + (i.amount ?? 0), 0);
      return {
        columns: ['agreement', 'currency', 'committed', 'received', 'due'],
        rows: list.map((a) => ({
          cells: [
            a.title,
            a.funding?.currency || 'CAD',
            a.funding?.total ?? sum(a, () => true),
            sum(a, (i) => Boolean(i.paid)),
            sum(a, (i) => !i.paid && Boolean(i.dueDate) && i.dueDate! <= now),
          ],
          href: `/agreements/${String(a._id)}`,
        })),
      };
    }
  }
  return { columns: [], rows: [] };
}

async function partnersFor(block: 'stage' | 'movement', params: RowParams, filter: DashboardFilter, now: Date) {
  const fields = { name: 1, type: 1, stage: 1, region: 1, ownerId: 1 };
  if (block === 'stage') {
    return PartnerModel.find({ ...partnerFilter(filter), ...(params.stage ? { stage: params.stage } : {}) }, fields)
      .sort({ nameFolded: 1 })
      .limit(ROW_CAP)
      .lean();
  }
  // Movement: one row per stage change of the period (a partner moving twice appears twice, as it counts twice).
  const ids = hasPartnerFilter(filter) ? (await PartnerModel.find(partnerFilter(filter), { _id: 1 }).lean()).map((d) => d._id) : null;
  const keep = ids ? new Set(ids.map(String)) : null;
  const from = params.from === 'none' ? null : params.from;
  const changes = (await stageChangesBetween(new Date(now.getTime() - filter.period * DAY), now))
    .filter(
      (c) => (!keep || keep.has(String(c.partnerId))) && (!params.stage || c.to === params.stage) && (!params.from || c.from === from),
    )
    .slice(0, ROW_CAP);
  const docs = new Map(
    (await PartnerModel.find({ _id: { $in: changes.map((c) => c.partnerId) } }, fields).lean()).map((d) => [String(d._id), d]),
  );
  return changes.map((c) => docs.get(String(c.partnerId))).filter((d): d is NonNullable<typeof d> => Boolean(d));
}
