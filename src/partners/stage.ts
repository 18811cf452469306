// Moving partners between stages: one place, so the partner board, agreements (active → partners
// active) and imports all record who moved what, when, in the history and the audit trail.
import type { Types } from 'mongoose';
import { recordAudit, type Actor } from '../audit/service.js';
import type { Stage } from './constants.js';
import { PartnerModel, StageChangeModel } from './model.js';

export async function changeStage(
  actor: Actor | null,
  partnerIds: Types.ObjectId[],
  to: Stage,
  reason = '',
  now = new Date(),
): Promise<number> {
  const partners = await PartnerModel.find({ _id: { $in: partnerIds }, stage: { $ne: to } }, { stage: 1, name: 1 }).lean();
  if (!partners.length) return 0;
  await PartnerModel.updateMany(
    { _id: { $in: partners.map((p) => p._id) } },
    {
      $set: { stage: to, stageChangedAt: now, lastActivityAt: now, ...(to === 'closed' ? { closedReason: reason } : {}) },
      $inc: { rev: 1 },
    },
  );
  await StageChangeModel.insertMany(
    partners.map((p) => ({ partnerId: p._id, from: p.stage, to, at: now, byId: actor?._id ?? null, byName: actor?.name ?? '', reason })),
  );
  for (const p of partners) {
    await recordAudit({
      actor,
      entity: 'partner',
      entityId: p._id,
      action: 'stage',
      changes: [{ field: 'stage', from: p.stage, to }],
      note: reason,
    });
  }
  return partners.length;
}
