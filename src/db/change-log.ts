// A log of writes per collection, so each process can keep in-memory directories (directory.ts)
// current by re-reading only what changed. Every write through a watched model appends one entry
// (an insert: atomic on every backend) naming the documents it touched, or `all` for a write too
// large to list. Entries older than the retention are purged by the maintenance job.
import { Schema, Types, model, type Model, type QueryFilter } from 'mongoose';
import { config } from '../config.js';

const changeSchema = new Schema(
  {
    // The _id (an ObjectId: time-ordered to the second) places the entry in the log.
    coll: { type: String, required: true },
    // The ids, 12 bytes each, end to end: a log read (a scan on FerretDB) then decodes one binary value
    // per entry rather than an element per id (an hour of log after an import or a seed held 195,000
    // ids, and each read of it took over a second).
    ids: { type: Buffer, default: () => Buffer.alloc(0) },
    all: { type: Boolean, default: false },
    at: { type: Date, required: true },
  },
  { collection: 'change_log', versionKey: false },
);
export const ChangeModel = model('Change', changeSchema);

// The head of the log: one document, read by _id (the lookup FerretDB answers from its index),
// whose counter grows after every entry. A reader that finds it unchanged skips reading the log.
const headSchema = new Schema(
  { _id: { type: String, required: true }, seq: { type: Number, default: 0 } },
  { collection: 'change_log_head', versionKey: false },
);
const HeadModel = model('ChangeHead', headSchema);
const HEAD = 'head';

/** The log's counter (0 before the first entry). */
export const logHead = async (): Promise<number> => (await HeadModel.findById(HEAD).lean())?.seq ?? 0;

/** Moves the head on, after an entry is written (recordChange does it; a test writing entries itself too). */
export async function advanceLogHead(): Promise<void> {
  try {
    await HeadModel.updateOne({ _id: HEAD }, { $inc: { seq: 1 } }, { upsert: true });
  } catch (err) {
    // Two first writes at once: both upserts insert, one loses on the unique _id; the head exists now.
    if ((err as { code?: number }).code !== 11000) throw err;
    await HeadModel.updateOne({ _id: HEAD }, { $inc: { seq: 1 } });
  }
}

/** How long entries are kept (CHANGE_RETENTION_MINUTES); a directory reloads in the background every half of it. */
export const changeRetentionMs = (): number => config.changeRetentionMs;
/**
 * Above this many documents in one write, the entry says `all` (the directories load a new snapshot
 * in the background). Up to it, they apply the write row by row, at once.
 */
const MAX_IDS = 2000;

export async function recordChange(coll: string, ids: unknown[], everything = false): Promise<void> {
  const all = everything || ids.length > MAX_IDS;
  await ChangeModel.create({ coll, ids: packIds(all ? [] : ids), all, at: new Date() });
  await advanceLogHead();
}

/** Ids packed for a log entry (ObjectIds, or their hex strings). */
export const packIds = (ids: readonly unknown[]): Buffer =>
  Buffer.concat(ids.map((id) => Buffer.from((id instanceof Types.ObjectId ? id : new Types.ObjectId(String(id))).id)));

/**
 * A log entry's ids as flat hex keys (what the directories key their rows by). Entries written before
 * the ids were packed hold an array of ObjectIds: read too, so a process reads the log an older one wrote.
 */
export function unpackIds(packed: Uint8Array | { buffer: Uint8Array } | readonly Types.ObjectId[] | null | undefined): string[] {
  if (!packed) return [];
  if (Array.isArray(packed)) return (packed as readonly Types.ObjectId[]).map((id) => id.toHexString());
  const bytes = Buffer.from(packed instanceof Uint8Array ? packed : (packed as { buffer: Uint8Array }).buffer);
  const keys: string[] = [];
  for (let i = 0; i + 12 <= bytes.length; i += 12) keys.push(bytes.toString('hex', i, i + 12));
  return keys;
}

export const purgeChanges = (now = new Date()) => ChangeModel.deleteMany({ at: { $lt: new Date(now.getTime() - changeRetentionMs()) } });

/** The documents a filtered write will touch: read from an _id filter, else looked up before the write. */
async function idsOfFilter(m: Model<unknown>, filter: QueryFilter<unknown> & { _id?: unknown }): Promise<unknown[]> {
  const id = filter._id;
  if (id instanceof Types.ObjectId || typeof id === 'string') return [id];
  if (id && typeof id === 'object' && Array.isArray((id as { $in?: unknown[] }).$in)) return (id as { $in: unknown[] }).$in;
  return (await m.find(filter, { _id: 1 }).lean<{ _id: unknown }[]>()).map((d) => d._id);
}

/**
 * A bulk write whose every operation names one document by _id, logged with those ids (a bulk write
 * made otherwise is logged as `all`, and the directories reload). The model's own post hook is
 * skipped: this logs the write.
 */
export async function bulkUpdateById(
  m: Model<unknown>,
  coll: string,
  ops: { updateOne: { filter: { _id: Types.ObjectId }; update: Record<string, unknown> } }[],
): Promise<void> {
  if (!ops.length) return;
  await m.bulkWrite(ops, { middleware: { post: false } });
  await recordChange(
    coll,
    ops.map((o) => o.updateOne.filter._id),
  );
}

type WithIds = { _changedIds?: unknown[] };
/** Logs every write made through the schema's model (document saves, queries, insertMany, bulkWrite). */
export function logWrites(schema: Schema, coll: string, getModel: () => Model<unknown>): void {
  schema.post('save', async function () {
    await recordChange(coll, [this._id]);
  });
  schema.post('insertMany', async function (docs: unknown) {
    const list = docs as { _id: unknown }[];
    if (list.length)
      await recordChange(
        coll,
        list.map((d) => d._id),
      );
  });
  schema.post('bulkWrite', async function () {
    await recordChange(coll, [], true);
  });
  for (const op of ['updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'findOneAndDelete', 'replaceOne'] as const) {
    schema.pre(op, { document: false, query: true }, async function () {
      (this as unknown as WithIds)._changedIds = await idsOfFilter(getModel(), this.getFilter());
    });
    schema.post(op, { document: false, query: true }, async function () {
      const ids = (this as unknown as WithIds)._changedIds ?? [];
      if (ids.length) await recordChange(coll, ids);
    });
  }
}

/**
 * For a collection no directory holds but whose writes change what is cached per data version
 * (db/per-change-cache.ts: tasks and progress checks on the dashboard): every write moves the log's
 * head on, without an entry, so a cached result is made again at the next request.
 */
export function advanceHeadOnWrites(schema: Schema): void {
  const advance = () => advanceLogHead();
  schema.post('save', advance);
  schema.post('insertMany', advance);
  schema.post('bulkWrite', advance);
  for (const op of ['updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'findOneAndDelete', 'replaceOne'] as const)
    schema.post(op, { document: false, query: true }, advance);
}
