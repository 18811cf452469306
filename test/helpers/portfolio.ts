// The demo portfolio (scripts/seed/), small, plus a record in every state a form depends on (an
// archived partner, an invited and a deactivated user, a meeting series with a partner contact, a
// follow-up request, an import preview, a failed outbox message...), and the links people without
// an account open. The form and crawl checks start from it, so each page and form has something to show.
import { DateTime } from 'luxon';
import type { Types } from 'mongoose';
import { ensureUsers, seedActivity, seedAgreements, seedMeetings, seedPartners } from '../../scripts/seed/portfolio.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { raiseBlocker } from '../../src/blockers/service.js';
import { seedRetrospectives } from '../../scripts/seed/retrospectives.js';
import { editAgreement } from '../../src/agreements/service.js';
import { createShareLink } from '../../src/dashboard/share.js';
import { DevMailModel } from '../../src/mail/dev-mail.model.js';
import { DocumentModel } from '../../src/documents/model.js';
import { createFeedToken, scheduleMeeting } from '../../src/meetings/service.js';
import { createPreview } from '../../src/partners/import.js';
import { PartnerModel } from '../../src/partners/model.js';
import { recordCheck } from '../../src/progress/service.js';
import { addNote, openReview } from '../../src/reviews/partner.js';
import { inviteReviewers } from '../../src/reviews/service.js';
import { FollowUpRequestModel } from '../../src/reminders/followup-response.model.js';
import { expIn, optOutUrl, signLink } from '../../src/reminders/links.js';
import { rsvpUrl } from '../../src/reminders/meetings.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { findActiveUser, type SessionUser } from '../../src/users/service.js';
import { issueToken } from '../../src/users/tokens.js';
import { createUser, type TestUser } from './app.js';
import { reviewLinkOf } from './reviews.js';

export interface Portfolio {
  admin: TestUser;
  manager: TestUser;
  professional: TestUser;
  partnerIds: Types.ObjectId[];
  /** Where a signed-in visitor starts: the home page, and pages no menu leads to. */
  memberPages: string[];
  /** Pages of people without an account: invitation, reset, follow-up, RSVP, opt-out, shared dashboard. */
  publicPages: string[];
  /** A contact of the first partner, and the open follow-up request (routes no page has a form for yet). */
  contactUrl: string;
  followUpRequestId: string;
}

const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');

export async function buildPortfolio(size = { partners: 12, agreements: 6, meetings: 12 }): Promise<Portfolio> {
  const admin = await createUser({ role: 'admin', locale: 'en', name: 'Ada Admin' });
  const manager = await createUser({ role: 'manager', locale: 'fr', name: 'Manon Gestion' });
  const professional = await createUser({ role: 'professional', locale: 'en', name: 'Paul Pro' });
  const { ids: owners } = await ensureUsers();
  const partnerIds = await seedPartners(size.partners, owners, () => undefined);
  await seedActivity(partnerIds, owners);
  await seedAgreements(size.agreements, partnerIds, owners, 2);
  await seedMeetings(size.meetings, partnerIds, owners, () => undefined);
  const actor = (await findActiveUser(String(admin._id))) as SessionUser;

  // An archived partner (restore, delete), an invited and a deactivated user (resend, reactivate).
  await PartnerModel.updateOne({ _id: partnerIds.at(-1) }, { $set: { archived: true } });
  const invited = await createUser({ role: 'professional', status: 'invited', name: 'Iris Invited' });
  await createUser({ role: 'professional', status: 'deactivated', name: 'Dan Deactivated' });
  const inviteToken = await issueToken(invited._id, 'invite');
  const resetToken = await issueToken(professional._id, 'reset');

  // A weekly series on the first partner with its contact attending (RSVP link, occurrence forms).
  const partner = (await PartnerModel.findById(partnerIds[0]).lean())!;
  const contact = partner.contacts[0]!;
  const agreement = (await AgreementModel.findOne({ status: 'active' }).lean())!;
  const start = DateTime.now().setZone('America/Toronto').plus({ days: 2 });
  const meeting = await scheduleMeeting(actor, {
    kind: 'planning',
    title: 'Comité de suivi',
    partnerId: partner._id,
    agreementId: null,
    date: start.toISODate()!,
    time: '10:00',
    durationMinutes: 60,
    zone: 'America/Toronto',
    location: 'Salle A',
    videoUrl: '',
    agenda: '',
    userIds: [admin._id],
    contactIds: [contact._id],
    cadence: 'weekly',
    monthlyMode: 'date',
    untilDate: null,
    count: 3,
  });

  // A follow-up request sent to the active agreement's partner contact, open and answerable.
  const lead = (await PartnerModel.findById(agreement.partnerIds[0]).lean())!;
  const asked = lead.contacts[0]!;
  const now = new Date();
  const requestId = `${String(agreement._id)}.${now.toISOString().slice(0, 10)}.${String(asked._id)}`;
  const expiresAt = new Date(now.getTime() + 14 * 86400_000);
  await FollowUpRequestModel.create({
    _id: requestId,
    agreementId: agreement._id,
    partnerId: lead._id,
    contactId: asked._id,
    dueAt: now,
    expiresAt,
    kpiIds: agreement.kpis.map((k) => k._id),
    createdAt: now,
  });
  const followupToken = signLink({ purpose: 'followup', contactId: String(asked._id), requestId, exp: expIn(expiresAt, 0) });

  await recordCheck(actor, agreement._id, {
    periodStart: new Date(now.getTime() - 90 * 86400_000),
    periodEnd: now,
    status: 'on_track',
    progress: 'Bon départ',
    challenges: '',
    supportNeeded: '',
    nextSteps: ['Planifier la suite'],
    nextStepsDue: null,
    kpiValues: agreement.kpis.map((k) => ({ kpiId: k._id, value: k.target / 2 })),
    health: { trust: 4, communication: 4, sharedGoals: 3, roles: 3, mutualBenefit: 4 },
    healthComments: { trust: '', communication: '', sharedGoals: '', roles: '', mutualBenefit: '' },
  });
  // An edit of an active agreement keeps the previous version (the versions page).
  await editAgreement(actor, agreement._id, agreement.rev ?? 0, 'purpose', { purpose: 'Favoriser l’insertion en emploi.' });
  const shareToken = await createShareLink(actor, agreement._id);
  // A file on the agreement (its archive and share forms); empty: no chunk to read.
  await DocumentModel.create({
    recordKind: 'agreement',
    recordId: agreement._id,
    name: 'entente-signee.pdf',
    type: 'application/pdf',
    status: 'complete',
    uploadedById: admin._id,
    uploadedByName: admin.name,
  });
  // An open blocker, shared with the partners (its resolve and share forms; the shared page's list).
  await raiseBlocker(actor, agreement._id, {
    what: 'Le local manque',
    hurts: '',
    unblockBy: 'La ville',
    shared: 'on',
    source: 'agreement',
    sourceId: '',
  });
  // Retrospectives of the expired agreements but the latest, whose form the crawl opens: one more,
  // older expired agreement (a copy of the seeded one) has its retrospective.
  const { _id: _expired, ...expired } = (await AgreementModel.findOne({ status: 'expired' }).lean())!;
  await AgreementModel.create({ ...expired, title: 'Entente 2024', startDate: new Date(Date.now() - 800 * 86400_000) });
  await seedRetrospectives();
  const unwritten = (await AgreementModel.findOne({ status: 'expired' }).sort({ startDate: -1 }).lean())!;
  await createFeedToken(actor);
  const review = await draftUnderReview(actor);
  const importId = await createPreview(actor, 'partners.csv', 'name,type,region\nCentre Nord,community,Laval\nÉcole Sud,school,Québec\n');
  await OutboxModel.create({
    key: 'fixture:failed',
    kind: 'task_overdue',
    to: admin.email,
    subject: 'Overdue task',
    messageId: '<fixture-failed@passerelle.test>',
    state: 'failed',
    dueAt: now,
    nextAttemptAt: now,
    maxAttempts: 3,
    attempts: 3,
    lastError: 'connection refused',
    createdAt: now,
  });
  await DevMailModel.create({
    messageId: '<fixture-dev@passerelle.test>',
    from: 'noreply@passerelle.test',
    to: [admin.email],
    subject: 'Invitation',
    html: '<p>Hello</p>',
    text: 'Hello',
    attachments: [{ filename: 'invite.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR' }],
  });

  return {
    admin,
    manager,
    professional,
    partnerIds,
    memberPages: [
      '/',
      '/partners?archived=1',
      `/partners/import/${String(importId)}`,
      `/agreements/${String(agreement._id)}/share`,
      `/agreements/${String(review.draftId)}`,
      `/agreements/${String(unwritten._id)}/retrospective`,
    ],
    contactUrl: `/partners/${String(partner._id)}/contacts/${String(contact._id)}`,
    followUpRequestId: requestId,
    publicPages: [
      '/login',
      '/forgot',
      `/invite/${inviteToken}`,
      `/reset/${resetToken}`,
      `/p/followup/${followupToken}`,
      local(rsvpUrl(String(meeting._id), String(contact._id), meeting.end)),
      local(optOutUrl(String(partner._id), String(contact._id))),
      `/shared/${shareToken}`,
      review.link,
    ],
  };
}

/**
 * A draft sent for review to a partner contact who commented on it (the owner's withdraw and
 * decision forms, the partner's note and agreement forms): the draft, and the contact's review link.
 */
async function draftUnderReview(actor: SessionUser): Promise<{ draftId: Types.ObjectId; link: string }> {
  const draft = (await AgreementModel.findOne({ status: 'draft' }).lean())!;
  const partner = (await PartnerModel.findById(draft.partnerIds[0]).lean())!;
  const contact = partner.contacts[0]!;
  // By index: FerretDB has no positional `$` update.
  await PartnerModel.updateOne(
    { _id: partner._id },
    {
      $set: { 'contacts.0.emailConsent': true, 'contacts.0.optedOut': false, 'contacts.0.email': contact.email || 'revue@partenaire.test' },
    },
  );
  await inviteReviewers(actor, draft._id, [String(contact._id)]);
  // The link as the contact's mail carries it.
  const link = await reviewLinkOf(contact._id);
  const opened = await openReview(link.slice('/p/review/'.length));
  if (!opened.ok) throw new Error(`the portfolio's review link is refused: ${opened.reason}`);
  await addNote(opened, { kind: 'comment', element: 'purpose', text: 'Préciser le public visé.', proposedText: '' });
  return { draftId: draft._id, link };
}
