// A partner's contacts as other features need them (meeting attendees, follow-up requests, the
// consent rule), and the one write a contact makes without an account: opting out by link.
import type { Types } from 'mongoose';
import { recordAudit } from '../audit/service.js';
import { PartnerModel } from './model.js';

type Id = Types.ObjectId | string;

/** A partner's contacts, or null when it does not exist. */
export const partnerContacts = (id: Id) => PartnerModel.findById(id, { contacts: 1 }).lean();

/** A partner's contacts and whether it is archived, or null. */
export const partnerContactsAndArchived = (id: Id) => PartnerModel.findById(id, { contacts: 1, archived: 1 }).lean();

/** A partner's name and contacts, or null. */
export const partnerWithContacts = (id: Id) => PartnerModel.findById(id, { name: 1, contacts: 1 }).lean();

/** The contacts of these partners, in one query. */
export const contactsOfPartners = (ids: Id[]) => PartnerModel.find({ _id: { $in: ids } }, { contacts: 1 }).lean();

/** Name, contacts and archived flag of these partners, in one query. */
export const partnersWithContacts = (ids: Id[]) => PartnerModel.find({ _id: { $in: ids } }, { name: 1, contacts: 1, archived: 1 }).lean();

/**
 * Name and contacts of those of these partners that are not archived, in the ids' order: each read
 * by _id (an agreement names a few partners; any other filter makes FerretDB read the collection).
 */
export async function livePartnersWithContacts(ids: Id[]) {
  const found = await Promise.all(ids.map((id) => PartnerModel.findById(id, { name: 1, contacts: 1, archived: 1 }).lean()));
  return found.filter((p) => p !== null && !p.archived).map((p) => ({ _id: p!._id, name: p!.name, contacts: p!.contacts }));
}

/**
 * The contact's language, and with `optOut` the contact opted out of every email (idempotent, in the
 * audit trail once); null when the partner or the contact does not exist.
 */
export async function contactOptOut(partnerId: Id, contactId: string, optOut: boolean) {
  const partner = await PartnerModel.findById(partnerId);
  const contact = partner?.contacts.find((c) => String(c._id) === contactId);
  if (!partner || !contact) return null;
  if (optOut && !contact.optedOut) {
    contact.optedOut = true;
    await partner.save();
    await recordAudit({ actor: null, entity: 'partner', entityId: partner._id, action: 'contact:opt-out', note: contact.name });
  }
  return { locale: contact.locale };
}
