// Shared by `npm run backup` and `npm run restore`: the configured database, a progress line on a
// terminal (stderr; nothing when not a terminal), sizes in words.
import { startConfiguredDatabase } from '../src/db/start.js';
import { connectDatabase, disconnectDatabase } from '../src/db/connection.js';
import type { Db } from 'mongodb';
import mongoose from 'mongoose';

export function progressLine(label: string): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    if (done >= total) process.stderr.write('\n');
  };
}

export const megabytes = (bytes: number): string => `${(bytes / 1048576).toFixed(2)} MB`;

/** Runs `work` on the configured database (connecting to a live server's, or starting the embedded one). */
export async function withDatabase(work: (db: Db) => Promise<void>): Promise<void> {
  const running = await startConfiguredDatabase((m) => console.error(m));
  try {
    await connectDatabase(running.uri);
    await work(mongoose.connection.db!);
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await running.stop();
  }
}
