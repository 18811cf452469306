// Reading an archive back: its lines streamed out of gzip, and a full verification pass (gzip
// integrity, header, each collection's count and sha256 against the manifest) before anything is written.
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { FORMAT, isMarker, type Header, type Manifest } from './format.js';

export class ArchiveError extends Error {}

function explain(err: unknown, file: string): Error {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return new ArchiveError(`${file}: no such file`);
  if (e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message))
    return new ArchiveError(`${file} is truncated: it ends before its manifest`);
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) return new ArchiveError(`${file} is corrupted (gzip: ${e.message})`);
  return err as Error;
}

/** The archive's lines, without their newline; a gzip fault becomes a clear ArchiveError. */
export async function* archiveLines(file: string): AsyncGenerator<string> {
  const gunzip = fs
    .createReadStream(file)
    .on('error', (err) => gunzip.destroy(err))
    .pipe(zlib.createGunzip());
  gunzip.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      yield* parts;
    }
  } catch (err) {
    throw explain(err, file);
  }
  if (rest) yield rest;
}

export interface VerifiedArchive {
  header: Header;
  manifest: Manifest['$manifest'];
  /** Collection names in archive order. */
  collections: string[];
}

const parseMarker = <T>(line: string, file: string, what: string): T => {
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new ArchiveError(`${file} is corrupted: its ${what} cannot be read`);
  }
};

/** Reads the whole archive and checks it; throws an ArchiveError saying what is wrong. Writes nothing. */
export async function verifyArchive(file: string): Promise<VerifiedArchive> {
  let header: Header | null = null;
  let manifest: Manifest['$manifest'] | null = null;
  const seen = new Map<string, { count: number; hash: crypto.Hash }>();
  let current: { count: number; hash: crypto.Hash } | null = null;
  for await (const line of archiveLines(file)) {
    if (manifest) throw new ArchiveError(`${file} is corrupted: lines after its manifest`);
    if (!header) {
      header = parseMarker<Header>(line, file, 'header');
      if (header.$passerelleBackup !== FORMAT) throw new ArchiveError(`${file} is not a Passerelle backup (or of an unknown format)`);
      continue;
    }
    if (isMarker(line)) {
      const marker = parseMarker<{ $collection?: string } & Partial<Manifest>>(line, file, 'collection marker');
      if (marker.$collection) {
        current = { count: 0, hash: crypto.createHash('sha256') };
        seen.set(marker.$collection, current);
      } else if (marker.$manifest) manifest = marker.$manifest;
      else throw new ArchiveError(`${file} is corrupted: an unknown marker line`);
      continue;
    }
    if (!current) throw new ArchiveError(`${file} is corrupted: a document before any collection`);
    current.count += 1;
    current.hash.update(`${line}\n`);
  }
  if (!header) throw new ArchiveError(`${file} is empty or not a Passerelle backup`);
  if (!manifest) throw new ArchiveError(`${file} is truncated: it ends before its manifest`);
  const listed = Object.keys(manifest.collections).sort();
  const found = [...seen.keys()].sort();
  if (listed.join('\n') !== found.join('\n'))
    throw new ArchiveError(`${file} is corrupted: its collections (${found.join(', ')}) differ from its manifest's (${listed.join(', ')})`);
  for (const [name, got] of seen) {
    const want = manifest.collections[name]!;
    if (got.count !== want.count)
      throw new ArchiveError(`${file}: collection ${name} has ${got.count} documents, its manifest says ${want.count}`);
    if (got.hash.digest('hex') !== want.sha256) throw new ArchiveError(`${file}: checksum mismatch of collection ${name}`);
  }
  return { header, manifest, collections: [...seen.keys()] };
}
