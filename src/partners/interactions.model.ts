import { Schema, model } from 'mongoose';

export const interactionKinds = ['call', 'email', 'meeting', 'visit', 'event', 'note'] as const;

const interactionSchema = new Schema(
  {
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    kind: { type: String, enum: interactionKinds, required: true },
    date: { type: Date, required: true },
    summary: { type: String, required: true, maxlength: 5000 },
    byId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    byName: { type: String, default: '' },
  },
  { timestamps: true },
);
interactionSchema.index({ partnerId: 1, date: -1 });

export const InteractionModel = model('PartnerInteraction', interactionSchema);
