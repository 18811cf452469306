// Agreements: drafting the eight elements, the status lifecycle, versions of active agreements, KPIs.
import { agreementsOfPartner, listedAgreements } from './directory.js';
import type { SortSpec } from '../db/query.js';
import { partnerNamesById, partnersMatching } from '../partners/directory.js';
import { Types, type QueryFilter } from 'mongoose';
import { recordAudit } from '../audit/service.js';
import { claimOnce } from '../db/claim.js';
import { claimRevision, RevisionConflict } from '../db/revision.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import type { Page } from '../http/paginate.js';
import { changeStage } from '../partners/stage.js';
import { assertMayInvolvePartners } from '../partners/policy.js';
import { isManager } from '../users/roles.js';
import type { SessionUser } from '../users/service.js';
import { foldText } from '../util/text.js';
import { completeness } from './completeness.js';
import { endedStatuses, type AgreementElement, type AgreementKind, type AgreementStatus, type KpiStatus } from './constants.js';
import type { PartnerType } from '../partners/constants.js';
import { kpiValueProblem, recordMeasurements, refreshKpiStatus } from './kpis.js';
import { refreshNextCheckDue } from '../progress/schedule.js';
import { AgreementModel, AgreementVersionModel, type AgreementDoc } from './model.js';
import {
  approvalRight,
  assertApprovalRight,
  assertSignatories,
  availableTransitions,
  canTransition,
  overrideChange,
  transitions,
  type Transition,
} from './status.js';
import { startRenewal, supersedeOriginal } from './renewal.js';
import { isMaterial, proposeChange } from './amendments.js';
import { agreementEdited, checkApproval } from './hooks.js';
import './timeline.js'; // registers the agreements' moves on the partner timeline
import type { BasicsInput } from './schemas.js';
import { countActiveUsers } from '../users/people.js';
import { countLivePartners } from '../partners/lookups.js';

export function canEditAgreement(user: SessionUser, a: Pick<AgreementDoc, 'ownerId' | 'teamIds'>): boolean {
  return isManager(user.role) || String(a.ownerId) === user.id || a.teamIds.some((t) => String(t) === user.id);
}

async function loadForEdit(actor: SessionUser, id: Types.ObjectId) {
  const a = await AgreementModel.findById(id);
  if (!a) throw notFound();
  if (!canEditAgreement(actor, a)) throw forbidden();
  if (endedStatuses.includes(a.status)) throw new RuleError('agreements:errors.closed');
  return a;
}

async function assertPartners(ids: Types.ObjectId[]) {
  const found = await countLivePartners(ids);
  if (found !== ids.length || !ids.length) throw new RuleError('agreements:errors.partners');
}

async function assertUsers(ids: Types.ObjectId[]) {
  const found = await countActiveUsers(ids);
  if (found !== new Set(ids.map(String)).size) throw new RuleError('agreements:errors.users');
}

export async function createAgreement(actor: SessionUser, input: BasicsInput) {
  await assertMayInvolvePartners(actor, input.partnerIds, 'agreements:errors.partnerNotYours');
  await assertPartners(input.partnerIds);
  await assertUsers([input.ownerId, ...input.teamIds]);
  const a = await AgreementModel.create({ ...input, titleFolded: foldText(input.title), status: 'draft', completeness: 0 });
  await recordAudit({ actor, entity: 'agreement', entityId: a._id, action: 'create', note: input.title });
  await changeStage(actor, input.partnerIds, 'agreement').catch(() => 0);
  return a._id;
}

/**
 * Applies an edit made from revision `rev` to one part of the agreement. Of two edits from the same
 * revision the first wins (claimOnce: FerretDB updates are not atomic). A material change to an active
 * agreement is proposed as an amendment (amendments.ts); an administrative one applies at once and
 * keeps the previous state as a version.
 */
export async function editAgreement(
  actor: SessionUser,
  id: Types.ObjectId,
  rev: number,
  element: AgreementElement | 'basics',
  patch: Record<string, unknown>,
) {
  const a = await loadForEdit(actor, id);
  if (element === 'basics')
    await assertMayInvolvePartners(
      actor,
      (patch as { partnerIds: Types.ObjectId[] }).partnerIds,
      'agreements:errors.partnerNotYours',
      a.partnerIds,
    );
  if (!(await claimRevision('agreement', id, a.rev, rev))) throw new RevisionConflict('agreements:errors.conflictKept', a.toObject());
  if (element === 'basics') {
    const p = patch as unknown as BasicsInput;
    await assertPartners(p.partnerIds);
    await assertUsers([p.ownerId, ...p.teamIds]);
  }
  const before = a.toObject();
  // What the parties agreed to changes only through a reviewed amendment; the approved text stays in force.
  if (a.status === 'active' && isMaterial(before, element, patch)) {
    await proposeChange(actor, a, element, patch);
    await agreementEdited(id);
    return 'proposed' as const;
  }
  if (a.status === 'active') {
    await AgreementVersionModel.create({
      agreementId: id,
      rev: a.rev,
      byId: actor._id,
      byName: actor.name,
      elements: [element],
      snapshot: before,
    });
  }
  a.set(patch);
  if (element === 'basics') a.titleFolded = foldText(a.title);
  a.completeness = completeness(a).score;
  a.rev = rev + 1;
  await a.save();
  if (element === 'kpis') await refreshKpiStatus(id);
  // The next check due follows from the frequency and the start date: recomputed, never left cleared.
  await refreshNextCheckDue(id);
  await recordAudit({ actor, entity: 'agreement', entityId: id, action: 'edit', note: element });
  await agreementEdited(id);
  return 'saved' as const;
}

/** The moves offered to `user` on the agreement's page (the rules of transition() decide in the end). */
export function movesFor(user: SessionUser, a: Pick<AgreementDoc, 'status' | 'ownerId' | 'teamIds' | 'renewedToId'>): Transition[] {
  if (!canEditAgreement(user, a) && !isManager(user.role)) return [];
  return availableTransitions(a.status, isManager(user.role)).filter(
    (t) => (t !== 'renew' || !a.renewedToId) && (t !== 'approve' || approvalRight(user, a) !== 'refused'),
  );
}

export interface TransitionInput {
  comment?: string;
  reason?: string;
  signatories?: { name: string; organization: string; signedAt: Date }[];
  /** An administrator's explicit override of the separation of duties (her own agreement). */
  override?: boolean;
}

export async function transition(actor: SessionUser, id: Types.ObjectId, t: Transition, input: TransitionInput, now = new Date()) {
  const a = await AgreementModel.findById(id);
  if (!a) throw notFound();
  if (!canEditAgreement(actor, a) && !(t === 'approve' && isManager(actor.role))) throw forbidden();
  const rule = transitions[t];
  if (rule.system) throw forbidden();
  if (rule.managerOnly && !isManager(actor.role)) throw forbidden();
  if (!canTransition(a.status, t)) throw new RuleError('agreements:errors.transition', { from: a.status, action: t });
  if (t === 'renew') return { status: a.status, renewalId: await startRenewal(actor, a, now) };
  if (t === 'submit' && completeness(a).missing.length) throw new RuleError('agreements:errors.incomplete');
  if (t === 'approve') assertSignatories(a.kind, input.signatories);
  if (t === 'approve') await checkApproval(a.toObject());
  if (t === 'terminate' && !input.reason) throw new RuleError('agreements:errors.reason');
  const overridden = t === 'approve' && assertApprovalRight(approvalRight(actor, a), input.override);
  // One transition per status: two people approving at once make one approval.
  if (!(await claimOnce(`agreement:${String(id)}:status:${a.status}:${a.statusChangedAt.getTime()}`)))
    throw new RuleError('agreements:errors.conflict');

  const from = a.status;
  a.status = rule.to!;
  a.statusChangedAt = now;
  a.rev += 1;
  if (t === 'approve') {
    a.approvedById = actor._id;
    a.approvedAt = now;
    a.approvalOverride = overridden;
    if (input.signatories?.length) a.signatories = input.signatories as typeof a.signatories;
  }
  if (t === 'terminate') a.terminationReason = input.reason ?? '';
  await a.save();
  await refreshNextCheckDue(id); // approval schedules the first check; leaving 'active' clears it
  await recordAudit({
    actor,
    entity: 'agreement',
    entityId: id,
    action: `status:${t}`,
    changes: [{ field: 'status', from, to: a.status }, ...(overridden ? [overrideChange] : [])],
    note: input.comment ?? input.reason ?? '',
  });
  if (t === 'approve') {
    if (a.renewedFromId) await supersedeOriginal(actor, a.renewedFromId, now);
    await changeStage(actor, a.partnerIds, 'active');
  }
  return { status: a.status, renewalId: null };
}

/** The scheduler's daily pass: active agreements whose end date has passed become expired. */
export async function expireEndedAgreements(now = new Date()): Promise<number> {
  const ended = await AgreementModel.find({ status: 'active', endDate: { $ne: null, $lt: now } }, { _id: 1 }).lean();
  for (const { _id } of ended) {
    await AgreementModel.updateOne({ _id, status: 'active' }, { $set: { status: 'expired', statusChangedAt: now }, $inc: { rev: 1 } });
    await recordAudit({
      actor: null,
      entity: 'agreement',
      entityId: _id,
      action: 'status:expire',
      changes: [{ field: 'status', from: 'active', to: 'expired' }],
    });
  }
  return ended.length;
}

export async function addMeasurement(
  actor: SessionUser,
  id: Types.ObjectId,
  kpiId: Types.ObjectId,
  m: { value: number; periodStart?: Date | null; periodEnd: Date; comment: string },
) {
  const a = await AgreementModel.findById(id, { ownerId: 1, teamIds: 1, kpis: 1, status: 1 }).lean();
  if (!a) throw notFound();
  if (!canEditAgreement(actor, a)) throw forbidden();
  const kpi = a.kpis.find((k) => String(k._id) === String(kpiId));
  if (!kpi) throw notFound();
  if (m.periodStart && m.periodStart > m.periodEnd) throw new RuleError('agreements:errors.periodOrder');
  const problem = kpiValueProblem(kpi.unit, m.value);
  if (problem) throw new RuleError(problem);
  await recordMeasurements(id, [{ kpiId, ...m, recordedById: actor._id, recordedByName: actor.name }]);
  await recordAudit({ actor, entity: 'agreement', entityId: id, action: 'measurement', note: `${String(kpiId)} = ${m.value}` });
}

export interface AgreementListQuery {
  status?: AgreementStatus;
  kind?: AgreementKind;
  owner?: string;
  partnerType?: PartnerType;
  kpiStatus?: KpiStatus;
  endingWithin?: number;
  q?: string;
}

/** The list's filter (also used by the CSV exports). */
export async function listFilter(q: AgreementListQuery, user: SessionUser, now = new Date()): Promise<QueryFilter<AgreementDoc>> {
  const f: QueryFilter<AgreementDoc> = { archived: false };
  if (q.status) f.status = q.status;
  if (q.kind) f.kind = q.kind;
  if (q.owner) f.ownerId = new Types.ObjectId(q.owner === 'me' ? user.id : q.owner);
  if (q.kpiStatus) f['kpis.status'] = q.kpiStatus;
  if (q.endingWithin) f.endDate = { $gte: now, $lte: new Date(now.getTime() + q.endingWithin * 86400_000) };
  if (q.partnerType) {
    // Every partner of that type (the page and the exports alike): the ids come from the partner directory.
    const ids = await partnersMatching({ type: q.partnerType }, { _id: 1 });
    f.partnerIds = { $in: ids.map((p) => p._id) };
  }
  return f;
}

/** The list's order (latest changes first), for the page and the exports. */
export const agreementListSort: SortSpec = { updatedAt: -1, _id: 1 };

/** The list page: the list's filter and order over the agreement directory, one page. */
export async function listAgreements(q: AgreementListQuery, user: SessionUser, page: Page, now = new Date()) {
  const { items, total } = await listedAgreements(await listFilter(q, user, now), agreementListSort, page);
  const names = await partyNames(items.flatMap((a) => a.partnerIds));
  return { items, total, names };
}

/** Partner names by id; a partner that no longer exists (deleted before deletion was refused) is named `missing`. */
export async function partyNames(ids: Types.ObjectId[], missing = ''): Promise<Record<string, string>> {
  const unique = [...new Set(ids.map(String))];
  if (!unique.length) return {};
  const found = await partnerNamesById(unique);
  return Object.fromEntries(unique.map((id) => [id, found.get(id) ?? missing]));
}

/** The partner page's list of agreements. */
export async function agreementsForPartner(partnerId: Types.ObjectId) {
  return (await agreementsOfPartner(partnerId))
    .filter((a) => !a.archived)
    .sort((a, b) => b.statusChangedAt.getTime() - a.statusChangedAt.getTime())
    .slice(0, 50);
}

export async function versionsOf(id: Types.ObjectId) {
  return AgreementVersionModel.find({ agreementId: id }, { snapshot: 0 }).sort({ rev: -1 }).limit(100).lean();
}
