// Versioned migrations with umzug, recorded in the `migrations` collection (name and time), applied
// under a lease claimed by a unique insert (claim.ts's rule: on FerretDB 1.24 only a unique-key insert
// is atomic across connections). Of two processes starting together one applies; the other waits for
// the lease to go, then finds everything applied. A lease left by a crashed process expires.
import { Umzug, type UmzugStorage } from 'umzug';
import type { Db } from 'mongodb';
import { migrations as registered } from './migrations/index.js';
import type { Migration, MigrationContext } from './migrations/types.js';

const LOCK_ID = 'schema-migrations';
const LEASE_MS = 10 * 60_000;
const POLL_MS = 200;

type Record = { _id: string; name: string; appliedAt: Date };

export class SchemaTooNewError extends Error {}

const records = (db: Db) => db.collection<Record>('migrations');

function storage(db: Db): UmzugStorage<MigrationContext> {
  return {
    async logMigration({ name }) {
      await records(db).insertOne({ _id: name, name, appliedAt: new Date() });
    },
    async unlogMigration({ name }) {
      await records(db).deleteOne({ _id: name });
    },
    async executed() {
      return (
        await records(db)
          .find({}, { projection: { _id: 1 } })
          .toArray()
      )
        .map((r) => r._id)
        .sort();
    },
  };
}

/** The database's schema version: the newest applied migration's name, or null for none. */
export async function schemaVersion(db: Db): Promise<string | null> {
  const names = await storage(db).executed({ context: { db } });
  return names.at(-1) ?? null;
}

/** This code's schema version: its newest migration's name. */
export const codeSchemaVersion = (list: readonly Migration[] = registered): string | null => list.at(-1)?.name ?? null;

/** Refuses a database whose schema is newer than this code (a migration it does not know was applied). */
export function assertSchemaNotNewer(dbVersion: string | null, list: readonly Migration[] = registered, what = 'The database'): void {
  if (!dbVersion) return;
  const known = new Set(list.map((m) => m.name));
  const code = codeSchemaVersion(list);
  if (!known.has(dbVersion) || (code !== null && dbVersion > code))
    throw new SchemaTooNewError(
      `${what}'s schema is at version ${dbVersion}, newer than this version of Passerelle knows (${code ?? 'none'}): ` +
        'run the Passerelle version that wrote it (or newer), or restore a backup made by this version.',
    );
}

async function takeLease(db: Db): Promise<void> {
  const claims = db.collection<{ _id: string; at: Date; expiresAt: Date }>('claims');
  for (;;) {
    const now = new Date();
    try {
      await claims.insertOne({ _id: LOCK_ID, at: now, expiresAt: new Date(now.getTime() + LEASE_MS) });
      return;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    // Held by another process: wait, and take over a lease its holder left to expire (a crash).
    await claims.deleteOne({ _id: LOCK_ID, expiresAt: { $lt: now } });
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const releaseLease = (db: Db) => db.collection<{ _id: string }>('claims').deleteOne({ _id: LOCK_ID });

export interface MigrationRun {
  applied: string[];
  version: string | null;
}

/** Applies the pending migrations once across processes; refuses a schema newer than the code. */
export async function runMigrations(
  db: Db,
  list: readonly Migration[] = registered,
  log: (m: string) => void = () => undefined,
): Promise<MigrationRun> {
  assertSchemaNotNewer(await schemaVersion(db), list);
  await takeLease(db);
  try {
    // Read again under the lease: another process may have migrated (or a newer one) meanwhile.
    assertSchemaNotNewer(await schemaVersion(db), list);
    const umzug = new Umzug<MigrationContext>({ migrations: [...list], context: { db }, storage: storage(db), logger: undefined });
    umzug.on('migrating', ({ name }) => log(`Migration ${name}: applying`));
    const applied = (await umzug.up()).map((m) => m.name);
    return { applied, version: await schemaVersion(db) };
  } finally {
    await releaseLease(db);
  }
}
