import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { advanceHeadOnWrites } from '../db/change-log.js';
import { blockerSources, blockerStatuses } from './constants.js';

// A blocker (seed 003: make blockers visible and help resolve them): what blocks an agreement, which
// objective or KPI it hurts, who can unblock it, where it was raised, and whether the partners see it.
const blockerSchema = new Schema(
  {
    agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', required: true },
    what: { type: String, required: true, maxlength: 2000 },
    // What it hurts: an objective or a KPI of the agreement (its id and, as raised, its text).
    hurtsKind: { type: String, enum: ['objective', 'kpi', null], default: null },
    hurtsId: { type: Schema.Types.ObjectId, default: null },
    hurtsLabel: { type: String, default: '', maxlength: 1000 },
    unblockBy: { type: String, default: '', maxlength: 300 },
    status: { type: String, enum: blockerStatuses, default: 'open' },
    source: { type: String, enum: blockerSources, required: true },
    sourceId: { type: Schema.Types.ObjectId, default: null },
    shared: { type: Boolean, default: false },
    raisedAt: { type: Date, required: true },
    raisedById: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    raisedByName: { type: String, default: '' },
    resolvedAt: { type: Date, default: null },
    resolvedByName: { type: String, default: '' },
    resolution: { type: String, default: '', maxlength: 2000 },
  },
  { versionKey: false },
);
blockerSchema.index({ agreementId: 1, raisedAt: -1 });
blockerSchema.index({ status: 1, raisedAt: 1 });

// Open blockers feed the dashboard, which is cached per change of the data.
advanceHeadOnWrites(blockerSchema);

export type BlockerDoc = InferSchemaType<typeof blockerSchema> & { _id: Types.ObjectId };
export const BlockerModel = model('Blocker', blockerSchema);
