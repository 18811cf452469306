// Writes an archive of a running database, streamed: each collection's cursor → lines → gzip → a
// temporary file, renamed into place once complete (a reader never sees half an archive). It reads
// collection by collection: not a point-in-time snapshot (see the README).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { BSON, type Db } from 'mongodb';
import { schemaVersion } from '../db/migrate.js';
import { appVersion, notArchived, type Header, type Manifest, FORMAT } from './format.js';

export type Progress = (done: number, total: number) => void;

export interface BackupResult {
  file: string;
  bytes: number;
  counts: Record<string, number>;
  ms: number;
}

export async function archivedCollections(db: Db): Promise<string[]> {
  const all = await db.listCollections({}, { nameOnly: true }).toArray();
  return all
    .map((c) => c.name)
    .filter((n) => !n.startsWith('system.') && !notArchived.has(n))
    .sort();
}

async function* lines(db: Db, names: string[], header: Header, manifest: Manifest, progress: Progress, total: number) {
  let done = 0;
  yield `${JSON.stringify(header)}\n`;
  for (const name of names) {
    yield `${JSON.stringify({ $collection: name })}\n`;
    const hash = crypto.createHash('sha256');
    let count = 0;
    for await (const doc of db.collection(name).find({}, { batchSize: 1000 })) {
      const line = `${BSON.EJSON.stringify(doc, { relaxed: false })}\n`;
      hash.update(line);
      count += 1;
      done += 1;
      if (done % 500 === 0) progress(done, Math.max(done, total));
      yield line;
    }
    manifest.$manifest.collections[name] = { count, sha256: hash.digest('hex') };
  }
  progress(done, done);
  yield `${JSON.stringify(manifest)}\n`;
}

/** Backs up every collection but sessions and the change log into `file`. */
export async function writeBackup(db: Db, file: string, progress: Progress = () => undefined): Promise<BackupResult> {
  const t0 = Date.now();
  const names = await archivedCollections(db);
  let total = 0;
  for (const n of names) total += await db.collection(n).estimatedDocumentCount();
  const header: Header = {
    $passerelleBackup: FORMAT,
    appVersion: appVersion(),
    schemaVersion: await schemaVersion(db),
    createdAt: new Date().toISOString(),
  };
  const manifest: Manifest = { $manifest: { collections: {} } };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.partial-${process.pid}`;
  try {
    await pipeline(
      Readable.from(lines(db, names, header, manifest, progress, total)),
      zlib.createGzip(),
      fs.createWriteStream(temp, { mode: 0o600 }),
    );
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  const counts = Object.fromEntries(Object.entries(manifest.$manifest.collections).map(([n, c]) => [n, c.count]));
  return { file, bytes: fs.statSync(file).size, counts, ms: Date.now() - t0 };
}
