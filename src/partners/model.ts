import { Schema, model, type InferSchemaType, type Model, type Types } from 'mongoose';
import { locales } from '../users/roles.js';
import { logWrites } from '../db/change-log.js';
import { partnerTypes, priorities, resourceCategories, stages } from './constants.js';

const contactSchema = new Schema({
  name: { type: String, required: true, trim: true, maxlength: 120 },
  role: { type: String, default: '', trim: true, maxlength: 120 },
  email: { type: String, default: '', trim: true, lowercase: true, maxlength: 254 },
  phone: { type: String, default: '', trim: true, maxlength: 40 },
  locale: { type: String, enum: locales, default: 'fr' },
  emailConsent: { type: Boolean, default: false },
  optedOut: { type: Boolean, default: false },
  primary: { type: Boolean, default: false },
});

const resourceSchema = new Schema({
  category: { type: String, enum: resourceCategories, required: true },
  description: { type: String, required: true, trim: true, maxlength: 500 },
});

const explorationSchema = new Schema(
  {
    interestConfirmedAt: { type: Date, default: null },
    interestConfirmedBy: { type: String, default: '', maxlength: 120 },
    interestHow: { type: String, default: '', maxlength: 500 },
    sharedGoals: { type: String, default: '', maxlength: 5000 },
    collaboration: { type: String, default: '', maxlength: 5000 },
    requirements: {
      workSchedules: { type: String, default: '', maxlength: 2000 },
      financialMechanisms: { type: String, default: '', maxlength: 2000 },
      reporting: { type: String, default: '', maxlength: 2000 },
      successIndicators: { type: String, default: '', maxlength: 2000 },
    },
  },
  { _id: false },
);

const partnerSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    type: { type: String, enum: partnerTypes, required: true },
    sector: { type: String, default: '', trim: true, maxlength: 120 },
    region: { type: String, default: '', trim: true, maxlength: 120 },
    address: { type: String, default: '', trim: true, maxlength: 500 },
    website: { type: String, default: '', trim: true, maxlength: 300 },
    description: { type: String, default: '', maxlength: 5000 },
    ownerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    tags: { type: [String], default: [] },
    priority: { type: String, enum: priorities, default: 'medium' },
    resources: { type: [resourceSchema], default: [] },
    contacts: { type: [contactSchema], default: [] },
    stage: { type: String, enum: stages, required: true, default: 'identified' },
    stageChangedAt: { type: Date, default: () => new Date() },
    closedReason: { type: String, default: '', maxlength: 1000 },
    exploration: { type: explorationSchema, default: () => ({}) },
    archived: { type: Boolean, default: false },
    archivedAt: { type: Date, default: null },
    lastActivityAt: { type: Date, default: () => new Date() },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    // The CSV import that created it: an import that fails deletes its partners by this id.
    importId: { type: Schema.Types.ObjectId, default: null },
    // Derived, for accent-insensitive search and duplicate detection (see util/text.ts foldText).
    nameFolded: { type: String, required: true },
    websiteFolded: { type: String, default: '' },
    searchFolded: { type: String, default: '' },
    resourceCategories: { type: [String], default: [] },
    // Optimistic concurrency: an edit names the revision it started from.
    rev: { type: Number, required: true, default: 0 },
  },
  { timestamps: true },
);
partnerSchema.index({ archived: 1, nameFolded: 1, _id: 1 });
partnerSchema.index({ archived: 1, stage: 1, nameFolded: 1 });
partnerSchema.index({ archived: 1, type: 1, nameFolded: 1 });
partnerSchema.index({ archived: 1, ownerId: 1, nameFolded: 1 });
partnerSchema.index({ archived: 1, region: 1 });
partnerSchema.index({ archived: 1, tags: 1 });
partnerSchema.index({ archived: 1, resourceCategories: 1 });
partnerSchema.index({ archived: 1, updatedAt: -1 });
partnerSchema.index({ websiteFolded: 1 });
partnerSchema.index({ importId: 1 });
partnerSchema.index({ nameFolded: 1 });

// Every write is logged, so each process's partner directory re-reads what changed.
logWrites(partnerSchema, 'partners', () => PartnerModel as unknown as Model<unknown>);

export type PartnerDoc = InferSchemaType<typeof partnerSchema> & { _id: Types.ObjectId };
export const PartnerModel = model('Partner', partnerSchema);

const stageChangeSchema = new Schema({
  partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
  from: { type: String, enum: [...stages, null], default: null },
  to: { type: String, enum: stages, required: true },
  at: { type: Date, required: true, default: () => new Date() },
  byId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  byName: { type: String, default: '' },
  reason: { type: String, default: '' },
});
stageChangeSchema.index({ partnerId: 1, at: -1 });
stageChangeSchema.index({ at: -1, to: 1 });
logWrites(stageChangeSchema, 'partnerstagechanges', () => StageChangeModel as unknown as Model<unknown>);

/** Every change of stage, with who and when: the partner's history and the dashboard's funnel. */
export const StageChangeModel = model('PartnerStageChange', stageChangeSchema);
