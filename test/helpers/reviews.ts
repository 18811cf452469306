// The partner's side of a review in tests: the link a contact was mailed, and a form posted from it.
import type { Types } from 'mongoose';
import { PartnerModel } from '../../src/partners/model.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { csrfFrom, type Agent, type TestUser } from './app.js';

/** The review link mailed to the contact: the first one sent by default (tests withdraw a later one), or the last. */
export async function reviewLinkOf(contactId: Types.ObjectId, which: 1 | -1 = 1): Promise<string> {
  const m = await OutboxModel.findOne({ kind: 'agreement_review', contactId }).sort({ createdAt: which }).lean();
  const token = /\/p\/review\/([\w.-]+)/.exec(m?.text ?? '')?.[1];
  if (!token) throw new Error('no review link was sent');
  return `/p/review/${token}`;
}

/** A partner's form post: the CSRF token of the review page itself, in a visitor's session. */
export async function partnerPost(visitor: Agent, link: string, what: string, fields: Record<string, string>) {
  // The token first: a request takes the agent's cookies when it is made.
  const _csrf = await csrfFrom(visitor, link);
  return visitor
    .post(`${link}/${what}`)
    .type('form')
    .send({ ...fields, _csrf });
}

/** The fingerprint of the text a review page shows, as its "we agree" form sends it. */
export const shownFingerprint = (html: string): string => /name="fingerprint" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Centre Horizon, the owner's partner, with Claire Tremblay: a French contact who accepts email. */
export async function horizonWithClaire(owner: TestUser) {
  const p = await PartnerModel.create({
    name: 'Centre Horizon',
    nameFolded: 'centre horizon',
    type: 'community',
    ownerId: owner._id,
    contacts: [{ name: 'Claire Tremblay', email: 'claire@horizon.example', emailConsent: true, locale: 'fr' }],
  });
  return { partnerId: p._id, claire: p.contacts[0]!._id };
}
