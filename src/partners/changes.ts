// A log of partner writes, so each process can keep its partner directory (directory.ts) up to date
// by re-reading only what changed. Every write through the Partner model appends one entry (an
// insert: atomic on every backend) naming the partners it touched, or `all` for a write too large
// to list. Entries older than the retention are purged by the maintenance job.
import { Schema, Types, model, type QueryFilter } from 'mongoose';

const changeSchema = new Schema(
  {
    // The _id (an ObjectId: time-ordered) is the change's position in the log.
    ids: { type: [Schema.Types.ObjectId], default: [] },
    all: { type: Boolean, default: false },
    at: { type: Date, required: true },
  },
  { collection: 'partner_changes', versionKey: false },
);
export const PartnerChangeModel = model('PartnerChange', changeSchema);

/** How long entries are kept; a directory older than this reloads everything. */
export const CHANGE_RETENTION_MS = 60 * 60_000;
/** Above this many partners in one write, the entry says `all` (the directories reload). */
const MAX_IDS = 500;

export async function recordPartnerChange(ids: unknown[], everything = false): Promise<void> {
  const all = everything || ids.length > MAX_IDS;
  await PartnerChangeModel.create({ ids: all ? [] : (ids as Types.ObjectId[]), all, at: new Date() });
}

export const purgePartnerChanges = (now = new Date()) =>
  PartnerChangeModel.deleteMany({ at: { $lt: new Date(now.getTime() - CHANGE_RETENTION_MS) } });

type Filter = QueryFilter<unknown> & { _id?: unknown };
/** The partners a filtered write will touch: read from an _id filter, else looked up before the write. */
export async function idsOfFilter(model: { find: (f: Filter, p: object) => { lean: () => Promise<{ _id: unknown }[]> } }, filter: Filter) {
  const id = filter._id;
  if (id instanceof Types.ObjectId || typeof id === 'string') return [id];
  if (id && typeof id === 'object' && Array.isArray((id as { $in?: unknown[] }).$in)) return (id as { $in: unknown[] }).$in;
  return (await model.find(filter, { _id: 1 }).lean()).map((p) => p._id);
}
