import { Schema, model } from 'mongoose';

export const interactionKinds = ['call', 'email', 'meeting', 'visit', 'event', 'note'] as const;

const interactionSchema = new Schema(
  {
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    kind: { type: String, enum: interactionKinds, required: true },
    // An interaction happens on a day, with no time of day: `day` is that calendar day (YYYY-MM-DD),
    // shown as is in every time zone; `date` (noon UTC of that day) only orders the timeline.
    day: { type: String, match: /^\d{4}-\d{2}-\d{2}$/, default: null },
    date: { type: Date, required: true },
    summary: { type: String, required: true, maxlength: 5000 },
    byId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    byName: { type: String, default: '' },
  },
  { timestamps: true },
);
interactionSchema.index({ partnerId: 1, date: -1 });

export const InteractionModel = model('PartnerInteraction', interactionSchema);
