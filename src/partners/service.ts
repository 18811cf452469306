// Partner records: the rules for creating, editing (with conflict detection), archiving, finding them.
import { Types, type QueryFilter } from 'mongoose';
import { diffFields, recordAudit, type Actor, type FieldChange } from '../audit/service.js';
import { claimRevision, RevisionConflict } from '../db/revision.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import type { Page } from '../http/paginate.js';
import type { SessionUser } from '../users/service.js';
import { escapeRegex, foldText } from '../util/text.js';
import { derivedFields } from './derived.js';
import { PartnerModel, StageChangeModel, type PartnerDoc } from './model.js';
import type { z } from 'zod';
import type { ContactInput, explorationSchema, ListQuery, PartnerInput } from './schemas.js';
import { changeStage } from './stage.js';
import { mayWritePartner } from './policy.js';
import { blockingReferences, removeDependentRecords } from './deletion.js';
import { listedPartners, partnerDirectory, partnersMatching, type ListedPartner } from './directory.js';
import type { SortSpec } from '../db/query.js';
import { stages, type ResourceCategory, type Stage } from './constants.js';
import { activeUserId, userNameRecord as ownerNames } from '../users/people.js';

const contactFields = ['name', 'role', 'email', 'phone', 'locale', 'emailConsent', 'primary'] as const;
const editableFields = ['name', 'type', 'sector', 'region', 'address', 'website', 'description', 'ownerId', 'tags', 'priority'] as const;

/** The partners feature's one answer (policy.ts), under the name its pages use. */
export function canEditPartner(user: SessionUser, partner: Pick<PartnerDoc, 'ownerId'>): boolean {
  return mayWritePartner(user, partner);
}

async function loadForEdit(actor: SessionUser, id: Types.ObjectId) {
  const partner = await PartnerModel.findById(id);
  if (!partner) throw notFound();
  if (!canEditPartner(actor, partner)) throw forbidden();
  return partner;
}

async function assertOwner(ownerId: string): Promise<Types.ObjectId> {
  const owner = await activeUserId(ownerId);
  if (!owner) throw new RuleError('partners:errors.owner');
  return owner;
}

export async function createPartner(actor: Actor, input: PartnerInput, contact?: ContactInput | null) {
  const ownerId = await assertOwner(input.ownerId);
  const contacts = contact ? [{ ...contact, primary: true }] : [];
  const doc = { ...input, ownerId, contacts, resources: [] as { category: ResourceCategory; description: string }[] };
  const partner = await PartnerModel.create({ ...doc, ...derivedFields(doc), stage: 'identified', createdBy: actor._id, rev: 0 });
  await StageChangeModel.create({ partnerId: partner._id, from: null, to: 'identified', byId: actor._id, byName: actor.name });
  await recordAudit({ actor, entity: 'partner', entityId: partner._id, action: 'create', note: input.name });
  return partner._id;
}

export type UpdateResult = { ok: true } | { ok: false; conflict: { current: PartnerDoc } };

/**
 * Saves an edit made from revision `rev`. Of two edits started from the same revision, the first
 * wins; the second gets the current record back to compare (nothing of it is lost: the form keeps it).
 */
export async function updatePartner(actor: SessionUser, id: Types.ObjectId, input: PartnerInput): Promise<UpdateResult> {
  const partner = await loadForEdit(actor, id);
  const rev = partner.rev;
  if (!(await claimRevision('partner', id, partner.rev, input.rev))) {
    const current = (await PartnerModel.findById(id).lean())!;
    return { ok: false, conflict: { current } };
  }
  const ownerId = await assertOwner(input.ownerId);
  const before = partner.toObject();
  const next = { ...input, ownerId };
  delete (next as { rev?: number }).rev;
  const derived = derivedFields({ ...next, contacts: partner.contacts, resources: partner.resources });
  // The claim decided the winner among edits from this revision; the rev in the filter also catches a
  // stage move or contact change saved since the form was read (those bump rev without a claim).
  const res = await PartnerModel.updateOne({ _id: id, rev }, { $set: { ...next, ...derived, rev: rev + 1, lastActivityAt: new Date() } });
  if (res.modifiedCount === 0) return { ok: false, conflict: { current: (await PartnerModel.findById(id).lean())! } };
  const changes = diffFields(before, next, [...editableFields]);
  if (changes.length) await recordAudit({ actor, entity: 'partner', entityId: id, action: 'update', changes });
  return { ok: true };
}

async function saveContacts(
  actor: SessionUser,
  id: Types.ObjectId,
  mutate: (p: Awaited<ReturnType<typeof loadForEdit>>) => void | { note: string; changes?: FieldChange[] },
  action: string,
  note: string,
  /** An edit form's revision (db/revision.ts): given, the save must be made from the partner's current one. */
  from?: { rev: unknown },
) {
  const partner = await loadForEdit(actor, id);
  if (from && !(await claimRevision('partner', id, partner.rev, from.rev)))
    throw new RevisionConflict('partners:errors.contactConflict', partner.toObject());
  // The mutation may say what the timeline should tell (the name of a removed contact, what was edited).
  const told = mutate(partner) ?? { note };
  Object.assign(partner, derivedFields(partner), { rev: partner.rev + 1, lastActivityAt: new Date() });
  await partner.save();
  await recordAudit({ actor, entity: 'partner', entityId: id, action, note: told.note, changes: told.changes });
}

export async function addContact(actor: SessionUser, id: Types.ObjectId, c: ContactInput) {
  await saveContacts(
    actor,
    id,
    (p) => {
      const primary = c.primary || p.contacts.length === 0;
      if (primary) for (const x of p.contacts) x.primary = false;
      p.contacts.push({ ...c, primary });
    },
    'contact-add',
    c.name,
  );
}

export async function updateContact(actor: SessionUser, id: Types.ObjectId, contactId: Types.ObjectId, c: ContactInput, rev: unknown) {
  await saveContacts(
    actor,
    id,
    (p) => {
      const contact = p.contacts.id(contactId);
      if (!contact) throw notFound();
      const before = contact.toObject() as Record<string, unknown>;
      if (c.primary) for (const x of p.contacts) x.primary = false;
      contact.set({ ...c, primary: c.primary || Boolean(before.primary) });
      return { note: c.name, changes: diffFields(before, contact.toObject(), [...contactFields]) };
    },
    'contact-update',
    c.name,
    { rev },
  );
}

export async function removeContact(actor: SessionUser, id: Types.ObjectId, contactId: Types.ObjectId) {
  await saveContacts(
    actor,
    id,
    (p) => {
      const gone = p.contacts.find((x) => String(x._id) === String(contactId));
      if (!gone) throw notFound();
      // Reassign the array: pulling a subdocument does nothing on FerretDB.
      p.contacts = p.contacts.filter((x) => String(x._id) !== String(contactId)) as typeof p.contacts;
      if (gone.primary && p.contacts[0]) p.contacts[0].primary = true;
      return { note: gone.name };
    },
    'contact-remove',
    '',
  );
}

export async function addResource(actor: SessionUser, id: Types.ObjectId, r: { category: ResourceCategory; description: string }) {
  await saveContacts(actor, id, (p) => void p.resources.push(r), 'resource-add', `${r.category}: ${r.description}`);
}

export async function removeResource(actor: SessionUser, id: Types.ObjectId, resourceId: Types.ObjectId) {
  await saveContacts(
    actor,
    id,
    (p) => {
      const gone = p.resources.find((x) => String(x._id) === String(resourceId));
      if (!gone) throw notFound();
      p.resources = p.resources.filter((x) => String(x._id) !== String(resourceId)) as typeof p.resources;
      return { note: `${gone.category}: ${gone.description}` };
    },
    'resource-remove',
    '',
  );
}

export async function moveStage(actor: SessionUser, id: Types.ObjectId, stage: Stage, reason: string) {
  await loadForEdit(actor, id);
  await changeStage(actor, [id], stage, reason);
}

export async function setArchived(actor: SessionUser, id: Types.ObjectId, archived: boolean) {
  await loadForEdit(actor, id);
  await PartnerModel.updateOne({ _id: id }, { $set: { archived, archivedAt: archived ? new Date() : null }, $inc: { rev: 1 } });
  await recordAudit({ actor, entity: 'partner', entityId: id, action: archived ? 'archive' : 'restore' });
}

/** Administrators only, and only an archived partner: the audit entry stays. */
export async function deletePartner(actor: SessionUser, id: Types.ObjectId) {
  if (actor.role !== 'admin') throw forbidden();
  const partner = await PartnerModel.findById(id, { archived: 1, name: 1 }).lean();
  if (!partner) throw notFound();
  if (!partner.archived) throw new RuleError('partners:errors.deleteNotArchived');
  const blocking = await blockingReferences(id);
  if (blocking.agreements || blocking.meetings)
    throw new RuleError('partners:errors.deleteReferenced', { name: partner.name, ...blocking });
  await removeDependentRecords(id);
  await PartnerModel.deleteOne({ _id: id });
  await recordAudit({ actor, entity: 'partner', entityId: id, action: 'delete', note: partner.name });
}

export function listFilter(q: ListQuery, user: SessionUser): QueryFilter<PartnerDoc> {
  const f: QueryFilter<PartnerDoc> = { archived: q.archived === '1' };
  if (q.type) f.type = q.type;
  if (q.stage) f.stage = q.stage;
  if (q.owner) f.ownerId = new Types.ObjectId(q.owner === 'me' ? user.id : q.owner);
  if (q.region) f.region = q.region;
  if (q.tag) f.tags = q.tag;
  if (q.resource) f.resourceCategories = q.resource;
  const needle = foldText(q.q);
  if (needle) {
    // A name that starts with the text comes first in meaning; any folded match of name, contact or email counts.
    f.searchFolded = { $regex: escapeRegex(needle) };
  }
  return f;
}

/**
 * The list's orders, as MongoDB sorts (the stage one in pipeline order): the page sorts the partner
 * directory by them, the CSV export asks the database for the same.
 */
export const listSorts: Record<ListQuery['sort'], SortSpec> = {
  name: { nameFolded: 1, _id: 1 },
  '-updated': { updatedAt: -1, _id: 1 },
  stage: { stage: stages, nameFolded: 1, _id: 1 },
  type: { type: 1, nameFolded: 1, _id: 1 },
};

/** The list page: the list's filter and sort over the partner directory, one page. */
export async function listPartners(q: ListQuery, user: SessionUser, page: Page) {
  const { items, total } = await listedPartners(listFilter(q, user), listSorts[q.sort], page);
  const owners = await ownerNames(items.map((p) => p.ownerId));
  return { items, total, owners };
}

export async function getPartner(id: Types.ObjectId) {
  return PartnerModel.findById(id).lean();
}

/** Partners grouped by stage for the pipeline board (bounded per column, latest moves first). */
export async function board(user: SessionUser, mineOnly: boolean, perStage = 50) {
  const filter = { archived: false, ...(mineOnly ? { ownerId: new Types.ObjectId(user.id) } : {}) };
  const rows = await partnersMatching(filter, { stageChangedAt: -1, nameFolded: 1, _id: 1 });
  return stages.map((stage) => {
    const inStage = rows.filter((p) => p.stage === stage);
    return { stage, partners: inStage.slice(0, perStage), total: inStage.length };
  });
}

/** Who offers what: partners with community resources, by category. */
export async function resourceInventory(category: ResourceCategory | undefined, page: Page) {
  const filter = { archived: false, ...(category ? { resourceCategories: category } : { 'resources.0': { $exists: true } }) };
  return listedPartners(filter, listSorts.name, page);
}

const regionsOf = new WeakMap<readonly ListedPartner[], string[]>();
const regionOrder = new Intl.Collator('fr');

/** Regions in use, for the list's filter (at most 200); worked out once per change of the partners. */
export async function distinctRegions(): Promise<string[]> {
  const all = await partnerDirectory();
  let regions = regionsOf.get(all);
  if (!regions) {
    regions = [...new Set(all.filter((p) => !p.archived && p.region).map((p) => p.region))].sort(regionOrder.compare).slice(0, 200);
    regionsOf.set(all, regions);
  }
  return regions;
}

/** The exploration as stored (and as a refused form shows it again). */
export const explorationRecord = (e: z.output<typeof explorationSchema>) => ({
  interestConfirmedAt: e.interestConfirmedAt,
  interestConfirmedBy: e.interestConfirmedBy,
  interestHow: e.interestHow,
  sharedGoals: e.sharedGoals,
  collaboration: e.collaboration,
  requirements: {
    workSchedules: e.workSchedules,
    financialMechanisms: e.financialMechanisms,
    reporting: e.reporting,
    successIndicators: e.successIndicators,
  },
});

/** D3: the exploration record (interest, shared goals, collaboration, the four requirements). */
export async function saveExploration(actor: SessionUser, id: Types.ObjectId, e: z.output<typeof explorationSchema>) {
  const partner = await loadForEdit(actor, id);
  if (!(await claimRevision('partner', id, partner.rev, e.rev)))
    throw new RevisionConflict('partners:errors.explorationConflict', partner.toObject());
  const before = partner.exploration ? JSON.stringify(partner.exploration) : '';
  partner.exploration = explorationRecord(e);
  partner.rev += 1;
  partner.lastActivityAt = new Date();
  await partner.save();
  await recordAudit({
    actor,
    entity: 'partner',
    entityId: id,
    action: 'exploration',
    changes: [{ field: 'exploration', from: before, to: JSON.stringify(partner.exploration) }],
  });
}
