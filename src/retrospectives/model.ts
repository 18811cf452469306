import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { endings, partnerAgainChoices } from './constants.js';

// The retrospective of an agreement that ended: what worked, what did not, would we partner again
// and why, and the KPIs met as successes to communicate. One per agreement. The agreement's title,
// its partners and the lead partner's type are kept as they were when it was written: the lessons
// describe that partnership, and the portfolio-wide search reads this collection alone. Its _id is
// the agreement's: one per agreement, and read by _id (the one lookup FerretDB answers from an index).
const successSchema = new Schema(
  { name: { type: String, required: true }, value: { type: Number, required: true }, target: Number, unit: String },
  { _id: false },
);

const retrospectiveSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', required: true },
    title: { type: String, required: true },
    kind: { type: String, required: true },
    ending: { type: String, enum: endings, required: true },
    partnerIds: { type: [Schema.Types.ObjectId], default: [] },
    partnerNames: { type: [String], default: [] },
    partnerType: { type: String, default: '' },
    ownerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    worked: { type: String, default: '', maxlength: 3000 },
    didNotWork: { type: String, default: '', maxlength: 3000 },
    partnerAgain: { type: String, enum: partnerAgainChoices, required: true },
    why: { type: String, required: true, maxlength: 2000 },
    communicate: { type: String, default: '', maxlength: 2000 },
    successes: { type: [successSchema], default: [] },
    // Title, partners and every text, accent- and case-folded: the search matches each word in it.
    searchFolded: { type: String, default: '' },
    rev: { type: Number, default: 0 },
    writtenById: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    writtenByName: { type: String, default: '' },
    writtenAt: { type: Date, required: true },
  },
  { versionKey: false, timestamps: true },
);
retrospectiveSchema.index({ partnerIds: 1 });
retrospectiveSchema.index({ partnerType: 1, writtenAt: -1 });

export type RetrospectiveDoc = InferSchemaType<typeof retrospectiveSchema> & { _id: Types.ObjectId };
export const RetrospectiveModel = model('Retrospective', retrospectiveSchema);
