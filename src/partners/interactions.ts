// Calls, emails, visits logged on a partner: who may log one, and the entry (with the partner's
// last activity moved, which the quiet-partnership reminder reads).
import type { Types } from 'mongoose';
import { recordAudit } from '../audit/service.js';
import { forbidden } from '../http/errors.js';
import { orNotFound } from '../http/ids.js';
import type { SessionUser } from '../users/service.js';
import { InteractionModel, type interactionKinds } from './interactions.model.js';
import { PartnerModel } from './model.js';
import { canEditPartner } from './service.js';

/** 404 for an unknown partner, 403 for one the user may not edit. */
export async function assertMayLogInteraction(user: SessionUser, partnerId: Types.ObjectId): Promise<void> {
  const partner = orNotFound(await PartnerModel.findById(partnerId, { ownerId: 1 }).lean());
  if (!canEditPartner(user, partner)) throw forbidden();
}

export async function logInteraction(
  user: SessionUser,
  partnerId: Types.ObjectId,
  entry: { kind: (typeof interactionKinds)[number]; date: string; summary: string },
): Promise<void> {
  const day = entry.date;
  const row = await InteractionModel.create({
    partnerId,
    ...entry,
    day,
    date: new Date(`${day}T12:00:00Z`),
    byId: user._id,
    byName: user.name,
  });
  await PartnerModel.updateOne({ _id: partnerId }, { $set: { lastActivityAt: new Date() } });
  await recordAudit({ actor: user, entity: 'interaction', entityId: row._id, action: 'create', note: entry.kind });
}
