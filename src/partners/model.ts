import { Schema, Types, model, type Document, type InferSchemaType, type QueryFilter } from 'mongoose';
import { claimOnce } from '../db/claim.js';
import { locales } from '../users/roles.js';
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

// A slim copy of each partner for lists, filters, counts and the board: same _id, only the listed
// fields. FerretDB (SQLite) scans and decodes whole documents for every filtered or sorted query, so
// scanning 20,000 small rows instead of 20,000 full records is about ten times faster; on MongoDB
// the same indexes serve both. Kept in step by the middleware below, whoever writes the partner.
const listFields = [
  'name',
  'nameFolded',
  'searchFolded',
  'type',
  'stage',
  'stageChangedAt',
  'ownerId',
  'region',
  'tags',
  'priority',
  'resourceCategories',
  'archived',
  'updatedAt',
] as const;
const partnerListSchema = new Schema(
  {
    name: String,
    nameFolded: String,
    searchFolded: String,
    type: String,
    stage: String,
    stageChangedAt: Date,
    ownerId: Schema.Types.ObjectId,
    region: String,
    tags: [String],
    priority: String,
    resourceCategories: [String],
    archived: Boolean,
    updatedAt: Date,
  },
  { collection: 'partner_list', versionKey: false },
);
partnerListSchema.index({ archived: 1, nameFolded: 1, _id: 1 });
partnerListSchema.index({ archived: 1, stage: 1, nameFolded: 1 });
partnerListSchema.index({ archived: 1, type: 1, nameFolded: 1 });
partnerListSchema.index({ archived: 1, ownerId: 1, nameFolded: 1 });
partnerListSchema.index({ archived: 1, region: 1 });
partnerListSchema.index({ archived: 1, tags: 1 });
partnerListSchema.index({ archived: 1, resourceCategories: 1 });
partnerListSchema.index({ archived: 1, updatedAt: -1 });
partnerListSchema.index({ archived: 1, stage: 1, stageChangedAt: -1 });
export const PartnerListModel = model('PartnerListEntry', partnerListSchema);

const slim = (p: Record<string, unknown>) =>
  Object.fromEntries(listFields.map((f) => [f, p[f]])) as { tags: string[]; resourceCategories: string[] };

async function syncList(ids: unknown[]): Promise<void> {
  // One read per id: FerretDB pushes down only _id equality, so an $in would scan the collection.
  for (const id of ids) {
    const p = await PartnerModel.findById(id).lean();
    if (p) await PartnerListModel.replaceOne({ _id: p._id }, slim(p), { upsert: true });
    else await PartnerListModel.deleteOne({ _id: id });
  }
}

type Filter = Record<string, unknown>;
/** The ids a write touches: read from an _id filter, else looked up before the write. */
async function idsOf(filter: Filter): Promise<unknown[]> {
  const id = filter._id;
  if (id && typeof id === 'object' && '$in' in id) return (id as { $in: unknown[] }).$in;
  if (id && (typeof id !== 'object' || id instanceof Types.ObjectId)) return [id];
  return (await PartnerModel.find(filter as QueryFilter<unknown>, { _id: 1 }).lean()).map((p) => p._id);
}

partnerSchema.post('save', async function () {
  await PartnerListModel.replaceOne({ _id: this._id }, slim(this.toObject()), { upsert: true });
});
partnerSchema.post('insertMany', async function (res: unknown) {
  const docs = res as Record<string, unknown>[];
  if (!docs.length) return;
  await PartnerListModel.insertMany(
    docs.map((d) => ({
      _id: d._id,
      ...slim(typeof d.toObject === 'function' ? ((d as unknown as Document).toObject() as Record<string, unknown>) : d),
    })),
  );
});
for (const op of ['updateOne', 'updateMany', 'deleteOne', 'deleteMany'] as const) {
  partnerSchema.pre(op, { document: false, query: true }, async function () {
    (this as unknown as { _partnerIds: unknown[] })._partnerIds = await idsOf(this.getFilter());
  });
  partnerSchema.post(op, { document: false, query: true }, async function () {
    const ids = (this as unknown as { _partnerIds?: unknown[] })._partnerIds ?? [];
    if (op.startsWith('update')) return syncList(ids);
    for (let i = 0; i < ids.length; i += 1000) await PartnerListModel.deleteMany({ _id: { $in: ids.slice(i, i + 1000) } });
  });
}

let backfilled: Promise<void> | null = null;
/** Fills the list copy once per database for partners written before it existed. */
export function ensurePartnerList(): Promise<void> {
  backfilled ??= (async () => {
    if (!(await claimOnce('partner-list:backfill:v1'))) return;
    let batch: Record<string, unknown>[] = [];
    const flush = async () => {
      if (batch.length)
        await PartnerListModel.bulkWrite(
          batch.map((p) => ({ replaceOne: { filter: { _id: p._id }, replacement: slim(p), upsert: true } })),
        );
      batch = [];
    };
    for await (const p of PartnerModel.find({}).lean().cursor({ batchSize: 500 })) {
      batch.push(p);
      if (batch.length >= 500) await flush();
    }
    await flush();
  })();
  return backfilled;
}

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

/** Every change of stage, with who and when: the partner's history and the dashboard's funnel. */
export const StageChangeModel = model('PartnerStageChange', stageChangeSchema);
