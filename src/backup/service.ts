// The archives kept in the data folder: listed for the administrators' page, written by the schedule
// (one instance per run, by a claim), the oldest beyond BACKUP_KEEP removed.
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { config } from '../config.js';
import { claimOnce } from '../db/claim.js';
import { archiveName, isArchiveName } from './format.js';
import { writeBackup, type BackupResult } from './write.js';

export interface ArchiveInfo {
  name: string;
  bytes: number;
  createdAt: Date;
}

/** The archives in `dir`, newest first (the name carries the time; an unfinished one is not listed). */
export function listBackups(dir = config.backup.dir): ArchiveInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter(isArchiveName)
    .sort()
    .reverse()
    .map((name) => {
      const st = fs.statSync(path.join(dir, name));
      return { name, bytes: st.size, createdAt: st.mtime };
    });
}

/** The file of a listed archive, or null (no path outside the folder can be named). */
export function backupFile(name: string, dir = config.backup.dir): string | null {
  if (!isArchiveName(name)) return null;
  const file = path.join(dir, name);
  return fs.existsSync(file) ? file : null;
}

/** Removes all but the newest `keep` archives; returns the names removed. */
export function pruneBackups(keep = config.backup.keep, dir = config.backup.dir): string[] {
  const old = listBackups(dir).slice(keep);
  for (const a of old) fs.rmSync(path.join(dir, a.name), { force: true });
  return old.map((a) => a.name);
}

/** The scheduled run: one instance per minute of schedule writes the archive, then prunes. */
export async function scheduledBackup(now: Date, dir = config.backup.dir, keep = config.backup.keep): Promise<BackupResult | null> {
  const minute = now.toISOString().slice(0, 16);
  if (!(await claimOnce(`backup:${minute}`, new Date(now.getTime() + 7 * 86400_000)))) return null;
  const result = await writeBackup(mongoose.connection.db!, path.join(dir, archiveName(now)));
  pruneBackups(keep, dir);
  return result;
}
