// The partner's side of a follow-up: open a signed link, record the answer once, tell the owner.
import { Types } from 'mongoose';
import { z } from 'zod';
import { kpiValueProblem, recordMeasurements } from '../agreements/kpis.js';
import { recordAudit } from '../audit/service.js';
import { config } from '../config.js';
import { claimOnce } from '../db/claim.js';
import { forbidden } from '../http/errors.js';
import { numberInput, parseFormNumber } from '../http/validate.js';
import { healthBand, healthDimensions, type CheckStatus } from '../progress/constants.js';
import type { SessionUser } from '../users/service.js';
import { isManager, type Locale } from '../users/roles.js';
import { followUpContacts } from './consent.js';
import { enqueueMessage } from './enqueue.js';
import { FollowUpRequestModel, FollowUpResponseModel } from './followup-response.model.js';
import { verifyLink } from './links.js';
import { dateIn } from './kinds.js';
import { activeRecipient } from '../users/people.js';
import { livePartnersWithContacts, partnerWithContacts, contactOptOut } from '../partners/contacts.js';
import { agreementForFollowUp, agreementTeam } from '../agreements/lookups.js';
import { recordPartnerCheck } from '../progress/service.js';

export type LinkRefusal = 'invalid' | 'expired' | 'used' | 'revoked';

type Refused = { ok: false; reason: LinkRefusal; locale?: Locale };

export async function openFollowUp(token: unknown, now = new Date()) {
  const check = verifyLink(token, 'followup', now);
  if (!check.ok && check.reason === 'invalid') return { ok: false, reason: 'invalid' } as Refused;
  const request = await FollowUpRequestModel.findById(check.payload.requestId).lean();
  // A request of another contact (or an unknown one) is refused like a forged link.
  if (!request || String(request.contactId) !== check.payload.contactId) return { ok: false, reason: 'invalid' } as Refused;
  const [agreement, partner] = await Promise.all([agreementForFollowUp(request.agreementId), partnerWithContacts(request.partnerId)]);
  const contact = partner?.contacts.find((c) => String(c._id) === String(request.contactId));
  if (!agreement || !partner || !contact) return { ok: false, reason: 'invalid' } as Refused;
  const locale = contact.locale ?? config.defaultLocale;
  // Refusals of a genuine link speak the contact's language.
  if (!check.ok) return { ok: false, reason: 'expired', locale } as Refused;
  if (request.revokedAt) return { ok: false, reason: 'revoked', locale } as Refused;
  if (request.usedAt) return { ok: false, reason: 'used', locale } as Refused;
  if (request.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', locale } as Refused;
  // An agreement without KPIs stores its request without the (empty) list: read it as none.
  const kpiIds = new Set((request.kpiIds ?? []).map(String));
  const kpis = agreement.kpis
    .filter((k) => kpiIds.has(String(k._id)))
    .map((k) => ({ _id: String(k._id), name: k.name, target: k.target, unit: k.unit }));
  return {
    ok: true as const,
    request,
    agreement: { _id: agreement._id, title: agreement.title, ownerId: agreement.ownerId },
    partner: { _id: partner._id, name: partner.name },
    contact: { _id: contact._id, name: contact.name, locale },
    kpis,
  };
}

// The health questions are optional (left at "—", a dimension is not rated); a value must be 1–5.
const rating = z
  .union([
    z.literal('').transform(() => null),
    numberInput(z.number().int('validation:invalid').min(1, 'validation:invalid').max(5, 'validation:invalid'), 'validation:invalid'),
  ])
  .optional()
  .transform((v) => v ?? null);
const number = z
  .string()
  .trim()
  .refine((v) => v === '' || parseFormNumber(v) !== null, { message: 'validation:numberExample' })
  .transform((v) => (v === '' ? '' : String(parseFormNumber(v))));

/** The partner's answer; each KPI value must be one its unit allows (no negative count, 0–100 %). */
export function answerSchema(kpis: { _id: string; unit: string }[]) {
  const kpiNumber = (unit: string) =>
    number.superRefine((v, ctx) => {
      const problem = v === '' ? null : kpiValueProblem(unit, Number(v));
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
  return z.object({
    progress: z.string().trim().max(10000, 'validation:tooLong').default(''),
    challenges: z.string().trim().max(10000, 'validation:tooLong').default(''),
    ...Object.fromEntries(healthDimensions.map((d) => [`health_${d}`, rating])),
    ...Object.fromEntries(kpis.map((k) => [`kpi_${k._id}`, kpiNumber(k.unit).default('')])),
  });
}

const ratingOf = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5 ? v : null);
const statusFor = (score: number): CheckStatus =>
  (({ strong: 'on_track', developing: 'at_risk', needs_attention: 'off_track' }) as const)[healthBand(score)];

/** Records a partner's answer once: false when the link was already used (by a concurrent submit). */
export async function recordAnswer(
  opened: Extract<Awaited<ReturnType<typeof openFollowUp>>, { ok: true }>,
  values: Record<string, string | number | null>,
  now = new Date(),
): Promise<boolean> {
  const { request, agreement, partner, contact, kpis } = opened;
  if (!(await claimOnce(`followup-answer:${request._id}`))) return false;
  const health = Object.fromEntries(healthDimensions.map((d) => [d, ratingOf(values[`health_${d}`])]));
  // A score only when every dimension is rated: a partial one would read as a poor partnership.
  const ratings = Object.values(health).filter((v): v is number => v !== null);
  const healthScore = ratings.length === healthDimensions.length ? ratings.reduce((s, v) => s + v, 0) : null;
  const kpiValues = kpis
    .filter((k) => values[`kpi_${k._id}`] !== '' && values[`kpi_${k._id}`] !== undefined)
    .map((k) => ({ kpiId: new Types.ObjectId(k._id), value: Number(values[`kpi_${k._id}`]) }));
  await FollowUpResponseModel.create({
    requestId: request._id,
    agreementId: agreement._id,
    partnerId: partner._id,
    contactId: contact._id,
    contactName: contact.name,
    progress: String(values.progress ?? ''),
    challenges: String(values.challenges ?? ''),
    kpiValues,
    health,
    healthScore,
    at: now,
  });
  // The partner's contribution to the progress check, so health is seen from both sides.
  const check = await recordPartnerCheck({
    agreementId: agreement._id,
    partnerIds: [partner._id],
    periodStart: request.createdAt,
    periodEnd: now,
    status: healthScore === null ? null : statusFor(healthScore),
    progress: String(values.progress ?? ''),
    challenges: String(values.challenges ?? ''),
    health,
    healthScore,
    contactId: contact._id,
    recordedByName: `${contact.name} (${partner.name})`,
    round: request.dueAt,
  });
  await recordMeasurements(
    agreement._id,
    kpiValues.map((v) => ({
      ...v,
      periodEnd: now,
      recordedByContactId: contact._id,
      recordedByName: `${contact.name} (${partner.name})`,
      progressCheckId: check._id,
    })),
    now,
  );
  await FollowUpRequestModel.updateOne({ _id: request._id }, { $set: { usedAt: now } });
  await recordAudit({
    actor: null,
    entity: 'agreement',
    entityId: agreement._id,
    action: 'followup:partner-answer',
    note: `${contact.name} (${partner.name}): ${healthScore ?? '—'}/25`,
  });
  const owner = await activeRecipient(agreement.ownerId);
  if (owner)
    await enqueueMessage(
      {
        kind: 'followup_response',
        subjectId: String(agreement._id),
        occurrence: String(request._id),
        to: { email: owner.email, name: owner.name, locale: owner.locale, userId: owner._id },
        data: {
          title: agreement.title,
          contact: contact.name,
          partner: partner.name,
          score: healthScore,
          when: dateIn(owner.locale, now),
          link: `${config.baseUrl}/agreements/${String(agreement._id)}`,
        },
      },
      now,
    );
  return true;
}

/** The owner, the team or a manager withdraws a follow-up link. */
export async function revokeFollowUpRequest(actor: SessionUser, requestId: string, now = new Date()): Promise<void> {
  const request = await FollowUpRequestModel.findById(requestId).lean();
  if (!request) throw forbidden();
  const a = await agreementTeam(request.agreementId);
  const allowed =
    a && (isManager(actor.role) || String(a.ownerId) === String(actor._id) || a.teamIds.some((t) => String(t) === String(actor._id)));
  if (!allowed) throw forbidden();
  await FollowUpRequestModel.updateOne({ _id: requestId }, { $set: { revokedAt: now } });
  await recordAudit({ actor, entity: 'agreement', entityId: request.agreementId, action: 'followup:revoke', note: requestId });
}

export type RequestState = 'answered' | 'revoked' | 'expired' | 'waiting';

/**
 * The latest round of follow-up requests of an agreement, for its owner: who was asked (and where
 * each request stands), and which of the partners' contacts could not be asked, and why.
 */
export async function followUpRound(agreementId: Types.ObjectId, partnerIds: Types.ObjectId[], now = new Date()) {
  const latest = await FollowUpRequestModel.findOne({ agreementId }, { dueAt: 1 }).sort({ dueAt: -1 }).lean();
  const [requests, partners] = await Promise.all([
    latest ? FollowUpRequestModel.find({ agreementId, dueAt: latest.dueAt }).sort({ createdAt: 1 }).lean() : [],
    livePartnersWithContacts(partnerIds),
  ]);
  const names = new Map(partners.flatMap((p) => p.contacts.map((c) => [String(c._id), { name: c.name, partner: p.name }] as const)));
  const state = (r: (typeof requests)[number]): RequestState =>
    r.usedAt ? 'answered' : r.revokedAt ? 'revoked' : r.expiresAt.getTime() <= now.getTime() ? 'expired' : 'waiting';
  const asked = requests.map((r) => ({ id: r._id, ...(names.get(String(r.contactId)) ?? { name: '', partner: '' }), state: state(r) }));
  const askedIds = new Set(requests.map((r) => String(r.contactId)));
  const notAsked = partners.flatMap((p) =>
    followUpContacts(p.contacts)
      .notAsked.filter((n) => !askedIds.has(String(n.contact._id)))
      .map((n) => ({ name: n.contact.name, partner: p.name, reason: n.reason })),
  );
  return { dueAt: latest?.dueAt ?? null, asked, notAsked };
}

/**
 * The contact an opt-out link names, or null for a forged one. An expired signature still works:
 * unsubscribing must never stop working.
 */
function optOutTarget(token: unknown, now: Date) {
  const check = verifyLink(token, 'optout', now);
  if (check.ok === false && check.reason === 'invalid') return null;
  const { requestId: partnerId, contactId } = check.payload;
  if (!Types.ObjectId.isValid(partnerId) || !Types.ObjectId.isValid(contactId)) return null;
  return { partnerId, contactId };
}

/** The language of the contact an opt-out link names (for the page); null for a forged link. */
export async function optOutLocale(token: unknown, now = new Date()): Promise<Locale | null> {
  const target = optOutTarget(token, now);
  const found = target && (await contactOptOut(target.partnerId, target.contactId, false));
  return found ? (found.locale ?? config.defaultLocale) : null;
}

/** One-click opt-out of a partner contact (signed link; idempotent). */
export async function optOut(token: unknown, now = new Date()): Promise<{ ok: boolean; locale: Locale }> {
  const target = optOutTarget(token, now);
  const found = target && (await contactOptOut(target.partnerId, target.contactId, true));
  if (!found) return { ok: false, locale: config.defaultLocale };
  return { ok: true, locale: found.locale ?? config.defaultLocale };
}
