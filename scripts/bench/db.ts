// The bench's own reads and clean-up in a bench database, with the mongodb driver: which partner and
// agreement the pages show, and, once the server has stopped, the removal of what the bench wrote
// through the UI (an import, the partners of the write timing) so the seeded portfolio does not drift.
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { startDatabase } from '../../src/db/embedded.js';

// The server's collection names (mongoose's plural of each model name; partner_imports is declared).
const C = {
  partners: 'partners',
  stageChanges: 'partnerstagechanges',
  audit: 'auditentries',
  imports: 'partner_imports',
  claims: 'claims',
  changeLog: 'change_log',
  agreements: 'agreements',
};

async function withDb<T>(uri: string, work: (db: Db) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 30_000 });
  try {
    await client.connect();
    return await work(client.db());
  } finally {
    await client.close();
  }
}

/**
 * The partner and agreement the detail pages show: the first of the partner list (by name) and the
 * latest-updated active agreement. Read from the database rather than from the list pages so that the
 * first-request timings find every page untouched.
 */
export const pickIds = (dbPort: number) =>
  withDb(`mongodb://127.0.0.1:${dbPort}/passerelle`, async (db) => {
    const [partner] = await db
      .collection(C.partners)
      .find({ archived: false }, { projection: { _id: 1 } })
      .sort({ nameFolded: 1 })
      .limit(1)
      .toArray();
    const [agreement] = await db
      .collection(C.agreements)
      .find({ status: 'active', archived: { $ne: true } }, { projection: { _id: 1 } })
      .sort({ updatedAt: -1 })
      .limit(1)
      .toArray();
    if (!partner || !agreement) throw new Error('no partner or no active agreement in the bench database');
    return { partnerId: String(partner._id), agreementId: String(agreement._id) };
  });

export interface BenchWrites {
  importIds: string[];
  partnerIds: string[];
  /** When the server that took these writes started: its change-log entries go too. */
  since: Date;
}

// FerretDB (SQLite) refuses a filter with more than 32,766 values: by chunks.
async function deleteIn(db: Db, coll: string, field: string, ids: ObjectId[], extra: Record<string, unknown> = {}): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 1000)
    n += (await db.collection(coll).deleteMany({ ...extra, [field]: { $in: ids.slice(i, i + 1000) } })).deletedCount;
  return n;
}

/**
 * With no server running: empties the change log. Only running processes read it, and the bench's
 * server never purges it (SCHEDULER=off): what seeding wrote would otherwise be scanned by every log
 * read for the hour of its retention, which a deployed instance's maintenance job would have purged.
 */
export async function clearChangeLog(dataDir: string, dbPort: number): Promise<number> {
  const database = await startDatabase({ dataDir, ferretdbPort: dbPort, log: () => undefined });
  try {
    return await withDb(database.uri, async (db) => (await db.collection(C.changeLog).deleteMany({})).deletedCount);
  } finally {
    await database.stop();
  }
}

/** With the server stopped: starts the data folder's database, removes the bench's writes, stops it. Returns what it removed. */
export async function removeBenchWrites(dataDir: string, dbPort: number, w: BenchWrites): Promise<Record<string, number>> {
  const database = await startDatabase({ dataDir, ferretdbPort: dbPort, log: () => undefined });
  try {
    return await withDb(database.uri, async (db) => {
      const imports = w.importIds.map((id) => new ObjectId(id));
      const imported = await db
        .collection(C.partners)
        .find({ importId: { $in: imports } }, { projection: { _id: 1 } })
        .toArray();
      const partners = [...w.partnerIds.map((id) => new ObjectId(id)), ...imported.map((p) => p._id)];
      return {
        partners: await deleteIn(db, C.partners, '_id', partners),
        stageChanges: await deleteIn(db, C.stageChanges, 'partnerId', partners),
        audit:
          (await deleteIn(db, C.audit, 'entityId', partners, { entity: 'partner' })) +
          (await deleteIn(db, C.audit, 'entityId', imports, { entity: 'partner-import' })),
        imports: await deleteIn(db, C.imports, '_id', imports),
        claims: (
          await db.collection<{ _id: string }>(C.claims).deleteMany({ _id: { $in: w.importIds.map((id) => `partner-import:${id}:0`) } })
        ).deletedCount,
        // Nothing reads entries written while no server runs: the next start loads everything.
        changeLog: (await db.collection(C.changeLog).deleteMany({ at: { $gte: w.since } })).deletedCount,
      };
    });
  } finally {
    await database.stop();
  }
}
