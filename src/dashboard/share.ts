// Shared measurement (seed 003, transparency): an agreement's owner gives partner contacts a
// read-only, revocable link showing that agreement's objectives, KPIs with history and status, and
// upcoming meetings — nothing else. Only the SHA-256 of the 32-byte random token is stored.
import crypto from 'node:crypto';
import { Schema, model, type Types } from 'mongoose';
import { recordAudit, type Actor } from '../audit/service.js';
import { forbidden, notFound } from '../http/errors.js';
import { meetingsStartingBetween, sameId } from '../meetings/directory.js';
import { isManager, type Role } from '../users/roles.js';
import { measurementsOf } from '../agreements/measurements-directory.js';
import { liveAgreementTeam, sharedAgreement } from '../agreements/lookups.js';
import { sharedDocuments } from '../documents/service.js';
import { sharedBlockers } from '../blockers/service.js';

const shareLinkSchema = new Schema(
  {
    agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', required: true },
    tokenHash: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    createdByName: { type: String, default: '' },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
);
shareLinkSchema.index({ tokenHash: 1 }, { unique: true });
shareLinkSchema.index({ agreementId: 1, createdAt: -1 });

export const ShareLinkModel = model('AgreementShareLink', shareLinkSchema);

export interface ShareActor extends Actor {
  role: Role;
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** The agreement and whether the actor may share it (owner, team, managers and administrators). */
export async function agreementForShare(actor: ShareActor, agreementId: Types.ObjectId) {
  const a = await liveAgreementTeam(agreementId);
  if (!a) throw notFound();
  const me = String(actor._id);
  const canShare = isManager(actor.role) || String(a.ownerId) === me || a.teamIds.some((u) => String(u) === me);
  return { agreement: a, canShare };
}

export const shareLinks = (agreementId: Types.ObjectId) => ShareLinkModel.find({ agreementId }).sort({ createdAt: -1 }).limit(100).lean();

/** Creates a link; the token is returned once and never stored. */
export async function createShareLink(actor: ShareActor, agreementId: Types.ObjectId): Promise<string> {
  const { canShare } = await agreementForShare(actor, agreementId);
  if (!canShare) throw forbidden();
  const token = crypto.randomBytes(32).toString('base64url');
  const link = await ShareLinkModel.create({ agreementId, tokenHash: hashToken(token), createdBy: actor._id, createdByName: actor.name });
  await recordAudit({ actor, entity: 'agreementShareLink', entityId: link._id, action: 'create', note: String(agreementId) });
  return token;
}

export async function revokeShareLink(actor: ShareActor, agreementId: Types.ObjectId, linkId: Types.ObjectId, now = new Date()) {
  const { canShare } = await agreementForShare(actor, agreementId);
  if (!canShare) throw forbidden();
  const link = await ShareLinkModel.findOne({ _id: linkId, agreementId }).lean();
  if (!link) throw notFound();
  if (link.revokedAt) return;
  await ShareLinkModel.updateOne({ _id: linkId }, { $set: { revokedAt: now, revokedBy: actor._id } });
  await recordAudit({ actor, entity: 'agreementShareLink', entityId: linkId, action: 'revoke', note: String(agreementId) });
}

/** What a valid link shows; null for an unknown, malformed or revoked token. */
export async function sharedView(token: string, now = new Date()) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const link = await ShareLinkModel.findOne({ tokenHash: hashToken(token), revokedAt: null }).lean();
  if (!link) return null;
  const a = await sharedAgreement(link.agreementId);
  if (!a) return null;
  const [history, meetings, documents, blockers] = await Promise.all([
    measurementsOf(a._id).then((list) => list.reverse().slice(0, 2000)),
    meetingsStartingBetween(now, null).then((rows) =>
      rows.filter((m) => sameId(m.agreementId, a._id) && !m.cancelled && !m.archived).slice(0, 20),
    ),
    // Files the owner marked shared, downloadable through this link only.
    sharedDocuments(a._id),
    // Blockers the owner marked shared (seed 003: transparency), open and resolved.
    sharedBlockers(a._id, now),
  ]);
  return {
    agreementId: a._id,
    documents: documents.map((d) => ({ id: d.id, name: d.name, size: d.size })),
    blockers,
    agreement: {
      title: a.title,
      status: a.status,
      startDate: a.startDate,
      endDate: a.endDate,
      language: a.language,
      objectives: a.objectives.map((o) => o.text),
    },
    kpis: a.kpis.map((k) => ({
      name: k.name,
      unit: k.unit,
      baseline: k.baseline,
      target: k.target,
      direction: k.direction,
      latestValue: k.latestValue,
      latestAt: k.latestAt,
      status: k.status,
      history: history.filter((h) => String(h.kpiId) === String(k._id)).map((h) => ({ value: h.value, periodEnd: h.periodEnd })),
    })),
    meetings: meetings.map((m) => ({ title: m.title, kind: m.kind, start: m.start, end: m.end })),
  };
}
