import { Schema, model, type InferSchemaType } from 'mongoose';
import { healthDimensions } from '../progress/constants.js';

// One follow-up request per (agreement, due date, contact): what a signed link points to. Its id is
// deterministic so that enqueuing twice creates one; it can be revoked, and is used once.
const requestSchema = new Schema(
  {
    _id: { type: String, required: true },
    agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', required: true },
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    contactId: { type: Schema.Types.ObjectId, required: true },
    dueAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    kpiIds: { type: [Schema.Types.ObjectId], default: [] },
    revokedAt: { type: Date, default: null },
    usedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
requestSchema.index({ agreementId: 1, createdAt: -1 });

export const FollowUpRequestModel = model('FollowUpRequest', requestSchema);

// The health questions are optional: a contact may leave any of them unrated.
const rating = { type: Number, min: 1, max: 5, default: null };

/** A partner contact's contribution to a progress check, sent from the follow-up link. */
const responseSchema = new Schema(
  {
    requestId: { type: String, required: true },
    agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', required: true },
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    contactId: { type: Schema.Types.ObjectId, required: true },
    contactName: { type: String, default: '' },
    progress: { type: String, default: '', maxlength: 10000 },
    challenges: { type: String, default: '', maxlength: 10000 },
    kpiValues: { type: [{ kpiId: Schema.Types.ObjectId, value: Number, _id: false }], default: [] },
    health: Object.fromEntries(healthDimensions.map((d) => [d, rating])),
    healthScore: { type: Number, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
responseSchema.index({ requestId: 1 }, { unique: true });
responseSchema.index({ agreementId: 1, at: -1 });

export type FollowUpResponseDoc = InferSchemaType<typeof responseSchema>;
export const FollowUpResponseModel = model('FollowUpResponse', responseSchema);
