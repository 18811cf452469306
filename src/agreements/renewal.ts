// Renewal: a linked successor drafted from an agreement. The original keeps its status (it still
// runs and counts as active) until the successor is approved; then it becomes "renewed".
import type { HydratedDocument, Types } from 'mongoose';
import { recordAudit } from '../audit/service.js';
import { claimOnce } from '../db/claim.js';
import { RuleError } from '../http/errors.js';
import type { SessionUser } from '../users/service.js';
import { AgreementModel, type AgreementDoc } from './model.js';
import { canTransition, transitions } from './status.js';

// What a successor does not inherit: identity, approval and signatures, the end, its own links.
const notCopied = [
  '_id',
  'createdAt',
  'updatedAt',
  'approvedById',
  'approvedAt',
  'approvalOverride',
  'signatories',
  'terminationReason',
  'renewedToId',
  'amendment', // an amendment still in review belongs to the original
  '__v',
];

/** Drafts the renewal of `a` (active or expired) and links the two both ways; one open renewal at a time. */
export async function startRenewal(actor: SessionUser, a: HydratedDocument<AgreementDoc>, now: Date): Promise<Types.ObjectId> {
  if (a.renewedToId) throw new RuleError('agreements:errors.renewalOpen');
  if (!(await claimOnce(`agreement:${String(a._id)}:renew:${a.rev}`))) throw new RuleError('agreements:errors.conflict');
  const copy = a.toObject() as Record<string, unknown> & Pick<AgreementDoc, 'kpis' | 'followUp'>;
  for (const k of notCopied) delete copy[k];
  const renewal = await AgreementModel.create({
    ...copy,
    // The renewal's indicators start without measurements (those belong to the original).
    kpis: copy.kpis.map((k) => ({ ...k, latestValue: null, latestAt: null, status: 'no_data' })),
    followUp: { ...copy.followUp, nextCheckDue: null },
    status: 'draft',
    statusChangedAt: now,
    renewedFromId: a._id,
    rev: 0,
    startDate: a.endDate ?? null,
    endDate: null,
  });
  a.renewedToId = renewal._id;
  a.rev += 1;
  await a.save();
  await recordAudit({ actor, entity: 'agreement', entityId: renewal._id, action: 'create', note: `renewal of ${String(a._id)}` });
  await recordAudit({ actor, entity: 'agreement', entityId: a._id, action: 'renew', note: String(renewal._id) });
  return renewal._id;
}

/** On approval of a renewal: its original (if still active or expired) becomes "renewed". */
export async function supersedeOriginal(actor: SessionUser, originalId: Types.ObjectId, now: Date): Promise<void> {
  const o = await AgreementModel.findById(originalId);
  if (!o || !canTransition(o.status, 'supersede')) return;
  const from = o.status;
  o.status = transitions.supersede.to!;
  o.statusChangedAt = now;
  o.rev += 1;
  await o.save();
  await recordAudit({
    actor,
    entity: 'agreement',
    entityId: o._id,
    action: 'status:supersede',
    changes: [{ field: 'status', from, to: o.status }],
  });
}
