// The archive: gzip of lines of canonical extended JSON (EJSON, relaxed: false, so every type comes back
// as stored). A header line, then for each collection a marker line and one line per document, then a
// manifest with each collection's count and the sha256 of its document lines. Marker lines start with
// `{"$`: a stored document's top-level key never does (MongoDB and FerretDB refuse it).
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config.js';

export const FORMAT = 1;

export interface Header {
  $passerelleBackup: number;
  appVersion: string;
  schemaVersion: string | null;
  createdAt: string;
}

export interface Manifest {
  $manifest: { collections: Record<string, { count: number; sha256: string }> };
}

/** Rebuilt from the data (sessions end; the read model's change log starts anew): never archived. */
export const notArchived = new Set(['sessions', 'change_log', 'change_log_head']);

/** Bookkeeping a database has once an app started on it, even with no data yet. */
export const bookkeeping = new Set([...notArchived, 'migrations', 'claims']);

export const isMarker = (line: string): boolean => line.startsWith('{"$');

export const appVersion = (): string =>
  (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** `passerelle-2026-12-02T15-30-00Z.jsonl.gz`: sorts by time, safe in every file system. */
export const archiveName = (at: Date): string =>
  `passerelle-${at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')}.jsonl.gz`;

export const isArchiveName = (name: string): boolean => /^passerelle-[\dTZ-]+\.jsonl\.gz$/.test(name);
