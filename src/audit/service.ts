import type { Types } from 'mongoose';
import { deleteByIds } from '../db/batch.js';
import { AuditModel } from './model.js';

export interface Actor {
  _id: Types.ObjectId;
  name: string;
}

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

const show = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v as string | number | boolean); // eslint-disable-line @typescript-eslint/no-unnecessary-type-assertion
};

/** The fields whose values differ between two plain objects, for the audit trail. */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>, fields: string[]): FieldChange[] {
  return fields.map((field) => ({ field, from: show(before[field]), to: show(after[field]) })).filter((c) => c.from !== c.to);
}

export async function recordAudit(entry: {
  actor: Actor | null;
  entity: string;
  entityId: Types.ObjectId;
  action: string;
  changes?: FieldChange[];
  note?: string;
}): Promise<void> {
  await AuditModel.create({
    actorId: entry.actor?._id ?? null,
    actorName: entry.actor?.name ?? '',
    entity: entry.entity,
    entityId: entry.entityId,
    action: entry.action,
    changes: entry.changes ?? [],
    note: entry.note ?? '',
  });
}

export async function auditFor(entity: string, entityId: Types.ObjectId, limit = 100) {
  return AuditModel.find({ entity, entityId }).sort({ at: -1 }).limit(limit).lean();
}

/** The newest entries of any of these records (at most `limit`): the home page's recent activity. */
export const recentActivity = (entity: string, entityIds: Types.ObjectId[], limit: number) =>
  AuditModel.find({ entity, entityId: { $in: entityIds } })
    .sort({ at: -1 })
    .limit(limit)
    .lean();

/** A record's entries but the given actions, newest first (a timeline that shows those its own way). */
export const auditExcept = (entity: string, entityId: Types.ObjectId, actions: string[], limit: number) =>
  AuditModel.find({ entity, entityId, action: { $nin: actions } })
    .sort({ at: -1 })
    .limit(limit)
    .lean();

/** The status moves (actions `status:…`) of these records, newest first. */
export const statusMoves = (entity: string, entityIds: Types.ObjectId[], limit: number) =>
  AuditModel.find({ entity, entityId: { $in: entityIds }, action: /^status:/ })
    .sort({ at: -1 })
    .limit(limit)
    .lean();

/** One entry per record, written at once (an import's rows): the same entry recordAudit writes, dated `at`. */
export async function recordAuditMany(
  actor: Actor,
  entity: string,
  action: string,
  rows: { entityId: Types.ObjectId; note: string }[],
  at: Date,
): Promise<void> {
  await AuditModel.insertMany(
    rows.map((r) => ({ at, actorId: actor._id, actorName: actor.name, entity, entityId: r.entityId, action, note: r.note })),
  );
}

/** Deletes the entries an action wrote for these records (an import rolled back), in chunks. */
export async function removeAuditEntries(entity: string, action: string, entityIds: readonly Types.ObjectId[]): Promise<void> {
  await deleteByIds(AuditModel, entityIds, 'entityId', { entity, action });
}
