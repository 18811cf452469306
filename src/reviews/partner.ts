// The partner's side of a review, through a signed link naming one contact and one invitation: read
// the agreement, comment on an element, propose a replacement text, agree with this version. When
// the text changes after a party agreed, that agreement no longer counts and the contact is told.
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { z } from 'zod';
import { withAmendment } from '../agreements/amendments.js';
import { elements } from '../agreements/constants.js';
import { onAgreementEdited } from '../agreements/hooks.js';
import { agreementById } from '../agreements/lookups.js';
import { recordAudit } from '../audit/service.js';
import { config } from '../config.js';
import { claimOnce } from '../db/claim.js';
import { singleLine } from '../http/text-fields.js';
import { partnerWithContacts, partnersWithContacts } from '../partners/contacts.js';
import { enqueueMessage } from '../reminders/enqueue.js';
import { dateIn } from '../reminders/kinds.js';
import { expIn, linkUrl, signLink, verifyLink } from '../reminders/links.js';
import type { Locale } from '../users/roles.js';
import { AgreementReviewModel } from './model.js';
import { reviewOf } from './service.js';
import { contentFingerprint, elementText, isProposable, objectiveLines } from './text.js';

export type ReviewRefusal = 'invalid' | 'expired' | 'revoked';
type Refused = { ok: false; reason: ReviewRefusal; locale?: Locale };

export async function openReview(token: unknown, now = new Date()) {
  const check = verifyLink(token, 'review', now);
  if (!check.ok && check.reason === 'invalid') return { ok: false, reason: 'invalid' } as Refused;
  const [agreementHex, invitationId] = check.payload.requestId.split('.');
  if (!agreementHex || !invitationId || !Types.ObjectId.isValid(agreementHex)) return { ok: false, reason: 'invalid' } as Refused;
  const id = new Types.ObjectId(agreementHex);
  const [review, stored] = await Promise.all([reviewOf(id), agreementById(id)]);
  const invitation = review?.invitations.find((i) => i._id === invitationId);
  // Another contact's invitation (or an unknown one) is refused like a forged link.
  if (!review || !stored || !invitation || String(invitation.contactId) !== check.payload.contactId)
    return { ok: false, reason: 'invalid' } as Refused;
  const partner = await partnerWithContacts(invitation.partnerId);
  const contact = partner?.contacts.find((c) => String(c._id) === check.payload.contactId);
  if (!partner || !contact) return { ok: false, reason: 'invalid' } as Refused;
  const locale = contact.locale ?? config.defaultLocale;
  if (!check.ok || invitation.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', locale } as Refused;
  if (invitation.revokedAt || stored.archived) return { ok: false, reason: 'revoked', locale } as Refused;
  // The partner reads what is being agreed: an active agreement's open amendment over its text.
  const agreement = withAmendment(stored);
  const fingerprint = contentFingerprint(agreement);
  const mine = review.notes.filter((n) => String(n.partnerId) === String(partner._id));
  const consent =
    review.consents.filter((c) => String(c.partnerId) === String(partner._id) && c.fingerprint === fingerprint).at(-1) ?? null;
  return {
    ok: true as const,
    agreement,
    fingerprint,
    partner: { _id: partner._id, name: partner.name },
    contact: { _id: contact._id, name: contact.name, role: contact.role ?? '', locale },
    notes: mine,
    consent,
  };
}
export type OpenReview = Extract<Awaited<ReturnType<typeof openReview>>, { ok: true }>;

const longText = (max: number) => z.string().trim().max(max, 'validation:tooLong');

/** A comment on any element, or a replacement text for an element that is one text. */
export const noteSchema = z
  .object({
    kind: z.enum(['comment', 'proposal']),
    element: z.enum(elements, { message: 'validation:required' }),
    text: longText(5000).default(''),
    proposedText: longText(10000).default(''),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'comment' && !v.text) ctx.addIssue({ code: 'custom', path: ['text'], message: 'validation:required' });
    if (v.kind === 'proposal' && !isProposable(v.element))
      ctx.addIssue({ code: 'custom', path: ['element'], message: 'reviews:errors.notProposable' });
    if (v.kind === 'proposal' && !v.proposedText) ctx.addIssue({ code: 'custom', path: ['proposedText'], message: 'validation:required' });
    if (v.kind === 'proposal' && v.element === 'objectives' && objectiveLines(v.proposedText).some((l) => l.length > 1000))
      ctx.addIssue({ code: 'custom', path: ['proposedText'], message: 'validation:tooLong' });
  });
export type NoteInput = z.infer<typeof noteSchema>;

export const agreeSchema = z.object({
  name: singleLine(200).pipe(z.string().min(1, 'validation:required')),
  role: singleLine(200).default(''),
  confirm: z.literal('on', { message: 'reviews:errors.confirm' }),
});
export type AgreeInput = z.infer<typeof agreeSchema>;

export async function addNote(opened: OpenReview, input: NoteInput, now = new Date()): Promise<void> {
  const { agreement, partner, contact } = opened;
  const baseText = input.kind === 'proposal' && isProposable(input.element) ? elementText(agreement, input.element) : '';
  await AgreementReviewModel.updateOne(
    { _id: agreement._id },
    {
      $push: {
        notes: {
          _id: crypto.randomBytes(9).toString('base64url'),
          element: input.element,
          kind: input.kind,
          text: input.text,
          proposedText: input.kind === 'proposal' ? input.proposedText : '',
          baseText,
          rev: agreement.rev,
          partnerId: partner._id,
          contactId: contact._id,
          byName: `${contact.name} (${partner.name})`,
          at: now,
        },
      },
    },
  );
  await recordAudit({
    actor: null,
    entity: 'agreement',
    entityId: agreement._id,
    action: `review:${input.kind}`,
    note: `${contact.name} (${partner.name}): ${input.element}`,
  });
}

/** "We agree with this version", for the contact's party, on the content the page showed. */
export async function agree(opened: OpenReview, input: AgreeInput, fingerprint: string, now = new Date()): Promise<'agreed' | 'changed'> {
  const { agreement, partner, contact } = opened;
  // The text changed while the page was open: they agree to what they read, or to nothing.
  if (fingerprint !== opened.fingerprint) return 'changed';
  // The party already agreed with this text (a double click, a form sent again, two contacts at
  // once): it is recorded once.
  if (opened.consent || !(await claimOnce(`review-agree:${String(agreement._id)}:${String(partner._id)}:${fingerprint}`))) return 'agreed';
  await AgreementReviewModel.updateOne(
    { _id: agreement._id },
    {
      $push: {
        consents: {
          partnerId: partner._id,
          contactId: contact._id,
          name: input.name,
          role: input.role,
          fingerprint,
          rev: agreement.rev,
          at: now,
        },
      },
    },
  );
  await recordAudit({
    actor: null,
    entity: 'agreement',
    entityId: agreement._id,
    action: 'review:agree',
    note: `${input.name}${input.role ? `, ${input.role}` : ''} (${partner.name})`,
  });
  return 'agreed';
}

// After an edit, each contact whose agreement was given to an earlier text is told, once per text.
onAgreementEdited(async (id) => {
  const review = await reviewOf(id);
  const stored = review?.consents.length ? await agreementById(id) : null;
  if (!review || !stored) return;
  const fingerprint = contentFingerprint(withAmendment(stored));
  const stillAgreed = new Set(review.consents.filter((c) => c.fingerprint === fingerprint).map((c) => String(c.partnerId)));
  const outdated = review.consents
    .map((c, index) => ({ c, index }))
    .filter(({ c }) => c.fingerprint !== fingerprint && !c.resetNotifiedAt && !stillAgreed.has(String(c.partnerId)));
  if (!outdated.length) return;
  const partners = await partnersWithContacts(outdated.map(({ c }) => c.partnerId));
  const now = new Date();
  for (const { c, index } of outdated) {
    const p = partners.find((x) => String(x._id) === String(c.partnerId));
    const contact = p?.contacts.find((x) => String(x._id) === String(c.contactId));
    const invitation = review.invitations.filter((i) => String(i.contactId) === String(c.contactId) && !i.revokedAt).at(-1);
    if (p && contact?.email && invitation) {
      const locale = contact.locale ?? config.defaultLocale;
      await enqueueMessage(
        {
          kind: 'agreement_review_reset',
          subjectId: String(id),
          occurrence: fingerprint,
          to: { email: contact.email, name: contact.name, locale, partnerId: p._id, contactId: contact._id },
          data: {
            title: stored.title,
            partner: p.name,
            agreedOn: dateIn(locale, c.at),
            expires: dateIn(locale, invitation.expiresAt),
            link: linkUrl(
              '/p/review',
              signLink({
                purpose: 'review',
                contactId: String(contact._id),
                requestId: `${String(id)}.${invitation._id}`,
                exp: expIn(invitation.expiresAt, 0),
              }),
            ),
          },
        },
        now,
      );
    }
    await AgreementReviewModel.updateOne({ _id: id }, { $set: { [`consents.${index}.resetNotifiedAt`]: now } });
  }
});
