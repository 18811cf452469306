// Restores an archive into a database: verified first in full (nothing is written when anything is
// off), refused when the database holds data (unless forced: then its collections are replaced) or when
// the archive's schema is newer than this code; inserted in batches, then migrated (an older archive is
// upgraded) and indexed. Run it with the app stopped: a running server's read model would not see it.
import { BSON, type Db, type Document } from 'mongodb';
import { assertSchemaNotNewer, runMigrations } from '../db/migrate.js';
import { ensureIndexes } from '../db/indexes.js';
import { bookkeeping, isMarker } from './format.js';
import { ArchiveError, archiveLines, verifyArchive } from './read.js';
import type { Progress } from './write.js';

const BATCH = 500;

export interface RestoreResult {
  counts: Record<string, number>;
  schemaVersion: string | null;
  migrated: string[];
  ms: number;
}

/** Collections holding something other than bookkeeping, with their counts. */
export async function dataCollections(db: Db): Promise<Record<string, number>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const out: Record<string, number> = {};
  for (const n of names.filter((x) => !x.startsWith('system.') && !bookkeeping.has(x))) {
    const count = await db.collection(n).countDocuments();
    if (count > 0) out[n] = count;
  }
  return out;
}

export async function restoreBackup(db: Db, file: string, opts: { force?: boolean; progress?: Progress } = {}): Promise<RestoreResult> {
  const t0 = Date.now();
  const progress = opts.progress ?? (() => undefined);
  const archive = await verifyArchive(file);
  assertSchemaNotNewer(archive.header.schemaVersion, undefined, 'The archive');
  const held = await dataCollections(db);
  if (Object.keys(held).length && !opts.force)
    throw new ArchiveError(
      `The database is not empty (${Object.entries(held)
        .map(([n, c]) => `${n}: ${c}`)
        .join(', ')}): restore into an empty database, or add --force to replace its collections`,
    );
  if (opts.force) {
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    for (const n of names.filter((x) => !x.startsWith('system.'))) await db.collection(n).drop();
  }
  const total = Object.values(archive.manifest.collections).reduce((s, c) => s + c.count, 0);
  const counts: Record<string, number> = {};
  let done = 0;
  let name: string | null = null;
  let batch: Document[] = [];
  const flush = async () => {
    if (name && batch.length) await db.collection(name).insertMany(batch, { ordered: true });
    done += batch.length;
    batch = [];
    progress(done, total);
  };
  let first = true;
  for await (const line of archiveLines(file)) {
    if (first) {
      first = false;
      continue;
    }
    if (isMarker(line)) {
      await flush();
      const marker = JSON.parse(line) as { $collection?: string };
      name = marker.$collection ?? null;
      if (name) {
        counts[name] = 0;
        await db.createCollection(name).catch(() => undefined);
      }
      continue;
    }
    batch.push(BSON.EJSON.parse(line, { relaxed: false }) as Document);
    counts[name!]! += 1;
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  const run = await runMigrations(db);
  await ensureIndexes(db);
  return { counts, schemaVersion: run.version, migrated: run.applied, ms: Date.now() - t0 };
}
