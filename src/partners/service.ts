// Partner records: the rules for creating, editing (with conflict detection), archiving, finding them.
import { Types, type QueryFilter } from 'mongoose';
import { diffFields, recordAudit, type Actor, type FieldChange } from '../audit/service.js';
import { claimRevision, RevisionConflict } from '../db/revision.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import type { Page } from '../http/paginate.js';
import type { SessionUser } from '../users/service.js';
import { escapeRegex, foldText } from '../util/text.js';
import { PartnerModel, StageChangeModel, type PartnerDoc } from './model.js';
import type { z } from 'zod';
import type { ContactInput, explorationSchema, ListQuery, PartnerInput } from './schemas.js';
import { changeStage } from './stage.js';
import { mayWritePartner } from './policy.js';
import { blockingReferences, removeDependentRecords } from './deletion.js';
import { partnerDirectory, partnersSorted, type ListedPartner } from './directory.js';
import { stages, type ResourceCategory, type Stage } from './constants.js';
import { activeUserId, userNameRecord as ownerNames } from '../users/people.js';

const contactFields = ['name', 'role', 'email', 'phone', 'locale', 'emailConsent', 'primary'] as const;
const editableFields = ['name', 'type', 'sector', 'region', 'address', 'website', 'description', 'ownerId', 'tags', 'priority'] as const;

type ContactLike = { name: string; email?: string | null };
type PartnerLike = { name: string; website?: string | null; contacts: ContactLike[]; resources: { category: string }[] };

/** The derived, folded fields every write keeps in step with the record. */
export function derivedFields(p: PartnerLike) {
  return {
    nameFolded: foldText(p.name),
    websiteFolded: foldText((p.website ?? '').replace(/^https?:\/\/(www\.)?/i, '').replace(/\/+$/, '')),
    searchFolded: foldText([p.name, ...p.contacts.flatMap((c) => [c.name, c.email ?? ''])].join(' ')),
    resourceCategories: [...new Set(p.resources.map((r) => r.category))],
  };
}

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

/** Partners whose name or website matches, ignoring case and accents (duplicate detection). */
export async function findDuplicates(name: string, website = '', exceptId?: Types.ObjectId) {
  const d = derivedFields({ name, website, contacts: [], resources: [] });
  const or: QueryFilter<PartnerDoc>[] = [{ nameFolded: d.nameFolded }];
  if (d.websiteFolded) or.push({ websiteFolded: d.websiteFolded });
  return PartnerModel.find({ $or: or, ...(exceptId ? { _id: { $ne: exceptId } } : {}) }, { name: 1, website: 1, archived: 1 })
    .limit(5)
    .lean();
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

/** The list page: filters, search, sort and one page, computed over the partner directory. */
/** A sorted list split into current and archived partners, once per list (the list is new after each change). */
const splitLists = new WeakMap<readonly ListedPartner[], { current: ListedPartner[]; archived: ListedPartner[] }>();
function split(all: readonly ListedPartner[]) {
  let parts = splitLists.get(all);
  if (!parts) {
    parts = { current: all.filter((p) => !p.archived), archived: all.filter((p) => p.archived) };
    splitLists.set(all, parts);
  }
  return parts;
}

export async function listPartners(q: ListQuery, user: SessionUser, page: Page) {
  const sorted = split(await partnersSorted(q.sort, listOrders[q.sort]));
  const owner = q.owner ? (q.owner === 'me' ? user.id : q.owner) : '';
  const needle = foldText(q.q);
  const all = q.archived === '1' ? sorted.archived : sorted.current;
  const tests: ((p: ListedPartner) => boolean)[] = [];
  if (q.type) tests.push((p) => p.type === q.type);
  if (q.stage) tests.push((p) => p.stage === q.stage);
  if (owner) tests.push((p) => String(p.ownerId) === owner);
  if (q.region) tests.push((p) => p.region === q.region);
  if (q.tag) tests.push((p) => p.tags.includes(q.tag!));
  if (q.resource) tests.push((p) => p.resourceCategories.includes(q.resource!));
  if (needle) tests.push((p) => p.searchFolded.includes(needle));
  const matches = tests.length ? all.filter((p) => tests.every((test) => test(p))) : all;
  const items = matches.slice((page.page - 1) * page.perPage, page.page * page.perPage);
  const owners = await ownerNames(items.map((p) => p.ownerId));
  return { items, total: matches.length, owners };
}

const byName = (a: ListedPartner, b: ListedPartner) => cmp(a.nameFolded, b.nameFolded) || cmp(String(a._id), String(b._id));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byLatestMove = (a: ListedPartner, b: ListedPartner) => b.stageChangedAt.getTime() - a.stageChangedAt.getTime() || byName(a, b);
const listOrders: Record<ListQuery['sort'], (a: ListedPartner, b: ListedPartner) => number> = {
  name: byName,
  '-updated': (a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || cmp(String(a._id), String(b._id)),
  stage: (a, b) => stages.indexOf(a.stage as Stage) - stages.indexOf(b.stage as Stage) || byName(a, b),
  type: (a, b) => cmp(a.type, b.type) || byName(a, b),
};

export async function getPartner(id: Types.ObjectId) {
  return PartnerModel.findById(id).lean();
}

/** Partners grouped by stage for the pipeline board (bounded per column, latest moves first). */
export async function board(user: SessionUser, mineOnly: boolean, perStage = 50) {
  const rows = (await partnersSorted('board', byLatestMove)).filter((p) => !p.archived && (!mineOnly || String(p.ownerId) === user.id));
  return stages.map((stage) => {
    const inStage = rows.filter((p) => p.stage === stage);
    return { stage, partners: inStage.slice(0, perStage), total: inStage.length };
  });
}

/** Who offers what: partners with community resources, by category. */
export async function resourceInventory(category: ResourceCategory | undefined, page: Page) {
  const rows = (await partnersSorted('name', byName)).filter(
    (p) => !p.archived && (category ? p.resourceCategories.includes(category) : p.resources.length > 0),
  );
  return { items: rows.slice((page.page - 1) * page.perPage, page.page * page.perPage), total: rows.length };
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
