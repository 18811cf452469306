// Whether Passerelle may email a partner contact: the one rule, asked for every message to a contact
// when it is enqueued (enqueue.ts) and again when it is delivered (deliver.ts), so that a contact who
// opts out in between gets nothing more; the follow-up kind asks it to choose whom to ask.
import type { Types } from 'mongoose';
import type { Locale } from '../users/roles.js';
import { OutboxModel } from './outbox.model.js';
import { contactsOfPartners } from '../partners/contacts.js';

export const contactRefusals = ['no_address', 'no_consent', 'opted_out'] as const;
export type ContactRefusal = (typeof contactRefusals)[number];

export interface ContactConsent {
  email?: string | null;
  emailConsent?: boolean | null;
  optedOut?: boolean | null;
}

export interface ConsentContext {
  /** The contact was sent the invitation of the meeting this message is about. */
  receivedInvitation?: boolean;
}

// Decision: the cancellation of a meeting is essential to a contact who was sent its invitation,
// and reaches them even after they opted out (or their consent was withdrawn): the meeting is in
// their calendar, the CANCEL removes it, and without it they would come to a meeting that no longer
// takes place. It is the only exception; it asks for nothing (no answer link) and still carries the
// unsubscribe link. Every other message (invitations, updates, reminders, follow-up requests) needs
// consent and no opt-out. A contact never invited gets no cancellation either.
const essentialToInvitees: ReadonlySet<string> = new Set(['meeting_cancelled']);

/** Why a message of this kind may not be sent to this contact; null when it may. */
export function whyNotEmailContact(contact: ContactConsent, kind: string, ctx: ConsentContext = {}): ContactRefusal | null {
  if (!contact.email) return 'no_address';
  if (ctx.receivedInvitation && essentialToInvitees.has(kind)) return null;
  if (contact.optedOut) return 'opted_out';
  if (!contact.emailConsent) return 'no_consent';
  return null;
}

export const mayEmailContact = (contact: ContactConsent, kind: string, ctx: ConsentContext = {}): boolean =>
  whyNotEmailContact(contact, kind, ctx) === null;

export interface ContactMessage {
  kind: string;
  subjectId: string;
  partnerId: Types.ObjectId | string;
  contactId: Types.ObjectId | string;
}

/**
 * The rule applied to messages for partner contacts, with each contact as stored now (a contact
 * no longer on the partner is not mailed): one refusal (or null) per message, in order.
 */
export async function refusalsFor(list: ContactMessage[]): Promise<(ContactRefusal | null)[]> {
  if (!list.length) return [];
  const partnerIds = [...new Set(list.map((m) => String(m.partnerId)))];
  const partners = await contactsOfPartners(partnerIds);
  const contacts = new Map(partners.flatMap((p) => p.contacts.map((c) => [`${String(p._id)}:${String(c._id)}`, c] as const)));
  const essential = list.filter((m) => essentialToInvitees.has(m.kind));
  const invited = new Set(
    essential.length
      ? (
          await OutboxModel.find(
            {
              kind: 'meeting_invitation',
              state: 'sent',
              subjectId: { $in: [...new Set(essential.map((m) => m.subjectId))] },
              contactId: { $in: essential.map((m) => m.contactId) },
            },
            { subjectId: 1, contactId: 1 },
          ).lean()
        ).map((o) => `${o.subjectId}:${String(o.contactId)}`)
      : [],
  );
  return list.map((m) => {
    const contact = contacts.get(`${String(m.partnerId)}:${String(m.contactId)}`);
    if (!contact) return 'no_address';
    return whyNotEmailContact(contact, m.kind, { receivedInvitation: invited.has(`${m.subjectId}:${String(m.contactId)}`) });
  });
}

/** A partner contact as stored (the fields the follow-up needs). */
export interface PartnerContact {
  _id: Types.ObjectId;
  name: string;
  email: string;
  locale?: Locale | null;
  primary?: boolean | null;
  emailConsent?: boolean | null;
  optedOut?: boolean | null;
}

/**
 * Whom a partner's follow-up request goes to: its primary contacts who may be emailed; when none of
 * them may be (or none is primary), every other contact who may. `notAsked` lists the contacts
 * considered and refused, with the reason, so the owner is told truthfully.
 */
export function followUpContacts(contacts: readonly PartnerContact[]): {
  ask: PartnerContact[];
  notAsked: { contact: PartnerContact; reason: ContactRefusal }[];
} {
  const why = (c: PartnerContact) => whyNotEmailContact(c, 'followup_request');
  const primaries = contacts.filter((c) => c.primary);
  let considered = primaries.length ? primaries : [...contacts];
  let ask = considered.filter((c) => !why(c));
  if (!ask.length && primaries.length) {
    considered = [...contacts];
    ask = considered.filter((c) => !why(c));
  }
  return { ask, notAsked: considered.flatMap((c) => (why(c) ? [{ contact: c, reason: why(c)! }] : [])) };
}
