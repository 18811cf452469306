// What a migration receives and what it is: plain modules listed in index.ts (the build ships only
// dist/, so nothing is found by a glob at run time).
import type { Db } from 'mongodb';
import type { RunnableMigration } from 'umzug';

export interface MigrationContext {
  /** The database being migrated (the native driver: migrations write documents as stored, no hooks). */
  db: Db;
}

export type Migration = RunnableMigration<MigrationContext>;
