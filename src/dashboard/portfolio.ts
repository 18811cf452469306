// The data behind the steering dashboard, read in a fixed number of database commands however large
// the portfolio (FerretDB 1.24: one accumulator per $group, no $lookup/$facet, so joins are done in
// memory from projected reads). A read is shared by the requests with the same filter until the data
// changes (db/per-change-cache.ts), so a user's own change shows at once. Figures and the lists behind
// them are both computed from this one read (see figures.ts), so they cannot disagree.
import { Types } from 'mongoose';
import { perChangeCache } from '../db/per-change-cache.js';
import { agreementDirectory } from '../agreements/directory.js';
import { endedStatuses, formalKinds, type AgreementKind, type AgreementStatus, type KpiStatus } from '../agreements/constants.js';
import { signedCopiesOnFile } from '../documents/service.js';
import { meetingsStartingBetween, sameId, type ListedMeeting } from '../meetings/directory.js';
import type { PartnerType, Stage } from '../partners/constants.js';
import { partnerDirectory, partnersById } from '../partners/directory.js';
import { stageChangesBetween, type ListedStageChange } from '../partners/stage-directory.js';
import type { HealthDimension } from '../progress/constants.js';
import type { TaskStatus } from '../tasks/constants.js';
import { ownersAndProfessionals } from '../users/people.js';
import { overdueTaskRows } from '../tasks/service.js';
import { checksEndingSince } from '../progress/service.js';
import { openBlockers } from '../blockers/service.js';

export const periods = [30, 90, 365] as const;
export const DAY = 86_400_000;
const BIG_BATCH = 100_000; // one command per read (no getMore) at the sizes the issue names

export interface DashboardFilter {
  ownerId: Types.ObjectId | null;
  type: PartnerType | null;
  region: string | null;
  period: (typeof periods)[number];
}

export interface AgreementRow {
  _id: Types.ObjectId;
  title: string;
  kind: AgreementKind;
  rev?: number;
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

export interface PartnerInfo {
  _id: Types.ObjectId;
  name: string;
  type: PartnerType;
  region: string;
  ownerId: Types.ObjectId;
  stage: Stage;
  archived: boolean;
  /** The community resources it offers (the portfolio map links partners offering the same one). */
  resources?: { description: string }[];
}

export interface TaskRow {
  _id: Types.ObjectId;
  title: string;
  dueDate: Date;
  status: TaskStatus;
  partnerId: Types.ObjectId | null;
}

/** A progress check: the team's, or a partner contact's answer (whose ratings may be missing). */
export interface CheckRow {
  agreementId: Types.ObjectId;
  periodStart: Date;
  periodEnd: Date;
  source: 'team' | 'partner';
  round: Date | null;
  healthScore: number | null;
  health: Record<HealthDimension, number | null>;
}

/** An open blocker of one of the portfolio's agreements. */
export interface BlockerRow {
  _id: Types.ObjectId;
  agreementId: Types.ObjectId;
  what: string;
  hurtsLabel: string;
  unblockBy: string;
  raisedAt: Date;
}

export interface Portfolio {
  filter: DashboardFilter;
  now: Date;
  /** The non-archived partners of the owner/type/region filter. */
  partnerList: PartnerInfo[];
  /** Their ids, or null when no partner filter is set. */
  partnerIds: Types.ObjectId[] | null;
  /** The stage changes of the period (of the filter's partners when it has a partner filter), latest first. */
  changes: ListedStageChange[];
  agreements: AgreementRow[]; // every non-archived agreement of the filter
  partners: ReadonlyMap<string, PartnerInfo>; // every partner, archived ones too (agreements may name one)
  owners: Map<string, { name: string; role: string }>;
  /** Open tasks past their due date, soonest due first. */
  tasksOverdue: TaskRow[];
  /** Meetings of the next seven days, not cancelled, soonest first. */
  meetingsThisWeek: ListedMeeting[];
  checks: CheckRow[];
  /** Open blockers of the running agreements (draft to active), oldest first. */
  blockers: BlockerRow[];
  /** Active formal agreements with the signed copy of their current revision on file (ids). */
  signedCopies: ReadonlySet<string>;
}

const hasPartnerFilter = (f: DashboardFilter) => Boolean(f.ownerId || f.type || f.region);
/** Whether agreements, tasks and meetings are narrowed to the filter's partners (owner alone filters by their owner). */
const agreementMatchesPartners = (f: DashboardFilter) => Boolean(f.type || f.region);

/** The filter as a cache key (ids as hex). */
export const filterKey = (f: DashboardFilter): string => JSON.stringify([String(f.ownerId ?? ''), f.type, f.region, f.period]);

// Every write the dashboard reads moves the change log's head on; the clock does not: a shared read
// is at most a minute old (a task just past due, a meeting just inside the week).
export const SHARED_FOR_MS = 60_000;
const portfolios = perChangeCache<Portfolio>({ max: 100, maxAgeMs: SHARED_FOR_MS });

/** The portfolio as of now, shared until the data changes; at a given time (`now`), read afresh. */
export function loadPortfolio(filter: DashboardFilter, now?: Date): Promise<Portfolio> {
  if (now) return readPortfolio(filter, now);
  return portfolios.get(filterKey(filter), () => readPortfolio(filter, new Date()));
}

/**
 * Reads everything the dashboard needs, whatever the portfolio size: the partner, agreement,
 * stage-change and meeting directories (in memory, kept current through the change log), then the
 * overdue tasks, the progress checks and the users' names in one command each.
 */
async function readPortfolio(filter: DashboardFilter, now: Date): Promise<Portfolio> {
  const since = new Date(now.getTime() - filter.period * DAY);
  const weekEnd = new Date(now.getTime() + 7 * DAY);
  const [allPartners, partners, allAgreements] = await Promise.all([
    partnerDirectory() as Promise<readonly PartnerInfo[]>,
    partnersById() as Promise<ReadonlyMap<string, PartnerInfo>>,
    agreementDirectory().then((all) =>
      all.filter((a) => !a.archived && (!filter.ownerId || String(a.ownerId) === String(filter.ownerId))),
    ) as unknown as Promise<AgreementRow[]>,
  ]);
  const matches = (p: PartnerInfo) =>
    !p.archived &&
    (!filter.ownerId || String(p.ownerId) === String(filter.ownerId)) &&
    (!filter.type || p.type === filter.type) &&
    (!filter.region || p.region === filter.region);
  const partnerList = allPartners.filter(matches);
  const partnerIds = hasPartnerFilter(filter) ? partnerList.map((p) => p._id) : null;
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
  const keep = partnerIds ? new Set(partnerIds.map(String)) : null;
  // Tasks and meetings follow the partner type/region filter through their partner; the owner filter through their owner.
  const keepTasks = keep && agreementMatchesPartners(filter) ? keep : null;
  const formal = agreements.filter((a) => a.status === 'active' && formalKinds.includes(a.kind));
  const running = new Set(agreements.filter((a) => !endedStatuses.includes(a.status)).map((a) => String(a._id)));
  const [changes, tasksOverdue, meetingsThisWeek, checks, users, signedCopies, blockers] = await Promise.all([
    stageChangesBetween(since, now).then((list) => (keep ? list.filter((c) => keep.has(String(c.partnerId))) : list)),
    overdueTaskRows<TaskRow>(now, { ownerId: filter.ownerId, partnerIds: keepTasks ? partnerIds : null }, BIG_BATCH),
    meetingsStartingBetween(now, weekEnd).then((list) =>
      list.filter(
        (m) =>
          !m.cancelled &&
          !m.archived &&
          (!filter.ownerId || sameId(m.ownerId, filter.ownerId)) &&
          (!keepTasks || keepTasks.has(String(m.partnerId))),
      ),
    ),
    // Progress checks of the active agreements over the last year (health average, trend, lowest dimension).
    checksEndingSince<CheckRow>(activeIds, new Date(now.getTime() - 365 * DAY), BIG_BATCH),
    // Names of the owners and of the active professionals (mastery lists everyone, even at zero).
    ownersAndProfessionals(ownerIds, BIG_BATCH),
    signedCopiesOnFile(new Map(formal.map((a) => [String(a._id), a.rev ?? 0]))),
    openBlockers().then((list) => list.filter((b) => running.has(String(b.agreementId))) as BlockerRow[]),
  ]);
  return {
    filter,
    now,
    partnerList,
    partnerIds,
    changes,
    agreements,
    partners,
    owners: new Map(users.map((u) => [String(u._id), { name: u.name, role: u.role }])),
    tasksOverdue,
    meetingsThisWeek,
    checks,
    signedCopies,
    blockers,
  };
}
