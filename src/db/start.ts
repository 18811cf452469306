// The configured database for a process entry point (server, worker, seed, measurement scripts).
import { config } from '../config.js';
import { startDatabase, type RunningDatabase } from './embedded.js';

export function startConfiguredDatabase(log: (msg: string) => void): Promise<RunningDatabase> {
  return startDatabase({ uri: config.mongodbUri, dataDir: config.dataDir, ferretdbPort: config.ferretdbPort, log });
}

/**
 * Applies the pending schema migrations on the connected database (once across processes), or stops
 * the process with a clear message when the database's schema is newer than this code.
 */
export async function migrateOrStop(log: (msg: string) => void, fatal: (msg: string) => void): Promise<void> {
  const mongoose = (await import('mongoose')).default;
  const { runMigrations } = await import('./migrate.js');
  try {
    const run = await runMigrations(mongoose.connection.db!, undefined, log);
    log(`Schema version ${run.version ?? 'none'}${run.applied.length ? ` (applied ${run.applied.join(', ')})` : ''}`);
  } catch (err) {
    fatal((err as Error).message);
    process.exit(1);
  }
}
