import type { Types } from 'mongoose';
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
