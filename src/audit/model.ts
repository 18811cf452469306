import { Schema, model } from 'mongoose';

const auditSchema = new Schema({
  at: { type: Date, required: true, default: () => new Date() },
  actorId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  actorName: { type: String, default: '' },
  entity: { type: String, required: true },
  entityId: { type: Schema.Types.ObjectId, required: true },
  action: { type: String, required: true },
  // Field-level changes as { field, from, to } (values stringified for display).
  changes: { type: [{ field: String, from: String, to: String, _id: false }], default: [] },
  note: { type: String, default: '' },
});
auditSchema.index({ entity: 1, entityId: 1, at: -1 });
auditSchema.index({ actorId: 1, at: -1 });
auditSchema.index({ at: -1 });

export const AuditModel = model('AuditEntry', auditSchema);
