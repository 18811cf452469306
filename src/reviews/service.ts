// The owner's side of a partner review: send review links to chosen partner contacts, withdraw them,
// accept or decline what partners propose (an accepted text is saved through the agreement's own
// edit rule), and see, per element and per party, where the review stands.
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { withAmendment } from '../agreements/amendments.js';
import { formalKinds, type AgreementElement } from '../agreements/constants.js';
import { registerApprovalCheck } from '../agreements/hooks.js';
import { agreementById } from '../agreements/lookups.js';
import type { AgreementDoc } from '../agreements/model.js';
import { canEditAgreement, editAgreement } from '../agreements/service.js';
import { recordAudit } from '../audit/service.js';
import { claimOnce } from '../db/claim.js';
import { RevisionConflict } from '../db/revision.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import { livePartnersWithContacts } from '../partners/contacts.js';
import { whyNotEmailContact } from '../reminders/consent.js';
import { enqueueMessage } from '../reminders/enqueue.js';
import { dateIn, DAY } from '../reminders/kinds.js';
import { expIn, linkUrl, signLink } from '../reminders/links.js';
import { saveSetting, settingValue } from '../settings/values.js';
import type { SessionUser } from '../users/service.js';
import { AgreementReviewModel, type ReviewDoc, type ReviewNote } from './model.js';
import { contentFingerprint, difference, elementText, isProposable, patchWith } from './text.js';

export const REVIEW_LINK_DAYS = 30;
const REQUIRE_KEY = 'reviews.requirePartyAgreement';

/** A review is asked of partners while the text can still change: a draft, or an open amendment. */
const reviewable = (a: AgreementDoc): boolean => a.status === 'draft' || a.status === 'in_review' || Boolean(a.amendment);

async function ownAgreement(actor: SessionUser, id: Types.ObjectId): Promise<AgreementDoc> {
  const a = await agreementById(id);
  if (!a) throw notFound();
  if (!canEditAgreement(actor, a)) throw forbidden();
  return a;
}

/** The agreement's review, with every list present (a document first made by an upsert has only the one it pushed). */
export async function reviewOf(id: Types.ObjectId): Promise<ReviewDoc | null> {
  const doc = await AgreementReviewModel.findById(id).lean<ReviewDoc>();
  return doc && { ...doc, invitations: doc.invitations ?? [], notes: doc.notes ?? [], consents: doc.consents ?? [] };
}

/** Sends a review link to each chosen contact of the agreement's partners who may be emailed. */
export async function inviteReviewers(actor: SessionUser, id: Types.ObjectId, contactIds: string[], now = new Date()) {
  const a = await ownAgreement(actor, id);
  if (!reviewable(a)) throw new RuleError('reviews:errors.notReviewable');
  if (!contactIds.length) throw new RuleError('reviews:errors.noContact');
  const partners = await livePartnersWithContacts(a.partnerIds);
  const chosen = partners.flatMap((p) => p.contacts.filter((c) => contactIds.includes(String(c._id))).map((c) => ({ p, c })));
  if (chosen.length !== new Set(contactIds).size) throw new RuleError('reviews:errors.noContact');
  const refused = chosen.find(({ c }) => whyNotEmailContact(c, 'agreement_review'));
  if (refused) throw new RuleError('reviews:errors.mayNotEmail', { name: refused.c.name });
  const expiresAt = new Date(now.getTime() + REVIEW_LINK_DAYS * DAY);
  for (const { p, c } of chosen) {
    const invitationId = crypto.randomBytes(9).toString('base64url');
    await AgreementReviewModel.updateOne(
      { _id: id },
      {
        $push: {
          invitations: {
            _id: invitationId,
            partnerId: p._id,
            contactId: c._id,
            contactName: c.name,
            sentByName: actor.name,
            sentAt: now,
            expiresAt,
          },
        },
      },
      { upsert: true },
    );
    const locale = c.locale ?? 'fr';
    const token = signLink({
      purpose: 'review',
      contactId: String(c._id),
      requestId: `${String(id)}.${invitationId}`,
      exp: expIn(expiresAt, 0),
    });
    await enqueueMessage(
      {
        kind: 'agreement_review',
        subjectId: String(id),
        occurrence: invitationId,
        to: { email: c.email, name: c.name, locale, partnerId: p._id, contactId: c._id },
        data: { title: a.title, partner: p.name, owner: actor.name, link: linkUrl('/p/review', token), expires: dateIn(locale, expiresAt) },
      },
      now,
    );
  }
  await recordAudit({ actor, entity: 'agreement', entityId: id, action: 'review:invite', note: chosen.map(({ c }) => c.name).join(', ') });
  return chosen.length;
}

export async function revokeInvitation(actor: SessionUser, id: Types.ObjectId, invitationId: string, now = new Date()): Promise<void> {
  await ownAgreement(actor, id);
  const review = await reviewOf(id);
  const index = review?.invitations.findIndex((i) => i._id === invitationId) ?? -1;
  if (!review || index < 0) throw notFound();
  await AgreementReviewModel.updateOne({ _id: id }, { $set: { [`invitations.${index}.revokedAt`]: now } });
  await recordAudit({ actor, entity: 'agreement', entityId: id, action: 'review:revoke', note: review.invitations[index]!.contactName });
}

const decisions = ['accept', 'decline', 'resolve'] as const;
export type Decision = (typeof decisions)[number];
const isDecision = (d: unknown): d is Decision => (decisions as readonly unknown[]).includes(d);

/**
 * The owner's answer to a partner's note, once (two owners deciding at once make one decision). An
 * accepted proposal is saved as an edit of the element, through the agreement's rules (an active
 * agreement's becomes its amendment), from the revision the owner's page showed.
 */
export async function decideNote(
  actor: SessionUser,
  id: Types.ObjectId,
  noteId: string,
  decision: unknown,
  rev: number,
): Promise<Decision> {
  const a = await ownAgreement(actor, id);
  const review = await reviewOf(id);
  const index = review?.notes.findIndex((n) => n._id === noteId) ?? -1;
  const note = review?.notes[index];
  if (!note) throw notFound();
  if (!isDecision(decision)) throw new RuleError('validation:choice');
  if (note.status !== 'open') throw new RuleError('reviews:errors.decided');
  if ((decision === 'resolve') !== (note.kind === 'comment')) throw new RuleError('reviews:errors.decided');
  // Accepting saves the text from the revision the page showed: of two acceptances, or an acceptance
  // and an edit, from the same revision, the first wins; the note is answered only once it is saved.
  if (decision === 'accept' && isProposable(note.element)) {
    await editAgreement(actor, id, rev, note.element, patchWith(withAmendment(a), note.element, note.proposedText)).catch(
      (err: unknown) => {
        throw err instanceof RevisionConflict ? new RuleError('reviews:errors.changedSinceShown') : err;
      },
    );
  }
  if (!(await claimOnce(`review-note:${String(id)}:${noteId}`))) throw new RuleError('reviews:errors.decided');
  const status = decision === 'accept' ? 'accepted' : decision === 'decline' ? 'declined' : 'resolved';
  await AgreementReviewModel.updateOne(
    { _id: id },
    { $set: { [`notes.${index}.status`]: status, [`notes.${index}.decidedByName`]: actor.name, [`notes.${index}.decidedAt`]: new Date() } },
  );
  await recordAudit({
    actor,
    entity: 'agreement',
    entityId: id,
    action: `review:${decision}`,
    note: `${note.byName}: ${note.element}`,
    changes: decision === 'accept' ? [{ field: note.element, from: note.baseText, to: note.proposedText }] : [],
  });
  return decision;
}

export type PartyState = 'current' | 'earlier' | 'none';

/** The review as the agreement's page shows it to its owner. */
export async function reviewPanel(a: AgreementDoc, now = new Date()) {
  const [review, partners] = await Promise.all([reviewOf(a._id), livePartnersWithContacts(a.partnerIds)]);
  const fingerprint = contentFingerprint(withAmendment(a));
  const notes = (review?.notes ?? []).map((n: ReviewNote) => ({
    ...n,
    parts: n.kind === 'proposal' ? difference(n.baseText, n.proposedText) : [],
    // A proposal written on an older text is shown against that text; accepting it replaces today's.
    stale: n.kind === 'proposal' && isProposable(n.element) && n.baseText !== elementText(withAmendment(a), n.element),
  }));
  const byElement = new Map<AgreementElement, typeof notes>();
  for (const n of notes) byElement.set(n.element, [...(byElement.get(n.element) ?? []), n]);
  const consents = review?.consents ?? [];
  const parties = partners.map((p) => {
    const mine = consents.filter((c) => String(c.partnerId) === String(p._id));
    const current = mine.find((c) => c.fingerprint === fingerprint);
    return {
      _id: p._id,
      name: p.name,
      state: current ? 'current' : mine.length ? 'earlier' : 'none',
      consent: current ?? mine.at(-1) ?? null,
    };
  });
  const invitations = (review?.invitations ?? []).map((i) => ({
    ...i,
    state: i.revokedAt ? 'revoked' : i.expiresAt.getTime() <= now.getTime() ? 'expired' : 'open',
  }));
  const contacts = partners.flatMap((p) =>
    p.contacts.map((c) => ({ _id: String(c._id), name: c.name, partner: p.name, refusal: whyNotEmailContact(c, 'agreement_review') })),
  );
  return {
    reviewable: reviewable(a),
    invitations,
    byElement,
    openCount: notes.filter((n) => n.status === 'open').length,
    parties,
    contacts,
    requireAll: await requiresPartyAgreement(),
  };
}

export const requiresPartyAgreement = async (): Promise<boolean> => (await settingValue(REQUIRE_KEY)) === true;

export async function setRequirePartyAgreement(actor: SessionUser, on: boolean): Promise<void> {
  if (actor.role !== 'admin') throw forbidden();
  await saveSetting(REQUIRE_KEY, on);
  await recordAudit({
    actor,
    entity: 'setting',
    entityId: new Types.ObjectId(),
    action: 'update',
    changes: [{ field: REQUIRE_KEY, from: String(!on), to: String(on) }],
  });
}

// When the organization asks for it, a formal agreement is approved only once every partner party
// has agreed to the text being approved.
registerApprovalCheck(async (a) => {
  if (!formalKinds.includes(a.kind) || !(await requiresPartyAgreement())) return;
  const fingerprint = contentFingerprint(withAmendment(a));
  const consents = (await reviewOf(a._id))?.consents ?? [];
  const missing = a.partnerIds.filter((p) => !consents.some((c) => String(c.partnerId) === String(p) && c.fingerprint === fingerprint));
  if (missing.length) throw new RuleError('reviews:errors.partiesMustAgree', { count: missing.length });
});
