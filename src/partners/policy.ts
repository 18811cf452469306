// Who may write on a partner, or involve it in another record. One answer for every feature: a
// partner's stage moves when an agreement names it, a meeting with its contacts mails them, a task
// joins its action plan, so naming a partner in those records is a write on the partner.
import type { Types } from 'mongoose';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import { isManager, type Role } from '../users/roles.js';
import { PartnerModel } from './model.js';

export interface PolicyActor {
  _id: Types.ObjectId;
  role: Role;
}

/** Managers and administrators may write on every partner; a professional on the partners they own. */
export function mayWritePartner(actor: PolicyActor, partner: { ownerId: Types.ObjectId | string }): boolean {
  return isManager(actor.role) || String(partner.ownerId) === String(actor._id);
}

/** The partner, if `actor` may write on it: 404 when it does not exist, 403 when it is not theirs. */
export async function assertMayWritePartner(actor: PolicyActor, partnerId: Types.ObjectId) {
  const partner = await PartnerModel.findById(partnerId, { ownerId: 1, name: 1 }).lean();
  if (!partner) throw notFound();
  if (!mayWritePartner(actor, partner)) throw forbidden();
  return partner;
}

/**
 * Refuses (a RuleError naming the first one) when `ids` holds a partner `actor` may not involve.
 * `already` are the partners the record named before this save: keeping them is not a new write.
 */
export async function assertMayInvolvePartners(
  actor: PolicyActor,
  ids: readonly Types.ObjectId[],
  messageKey: string,
  already: readonly Types.ObjectId[] = [],
): Promise<void> {
  if (isManager(actor.role)) return;
  const kept = new Set(already.map(String));
  const added = [...new Set(ids.map(String))].filter((id) => !kept.has(id));
  if (!added.length) return;
  const partners = await PartnerModel.find({ _id: { $in: added } }, { ownerId: 1, name: 1 }).lean();
  const refused = partners.find((p) => !mayWritePartner(actor, p));
  if (refused) throw new RuleError(messageKey, { name: refused.name });
}
