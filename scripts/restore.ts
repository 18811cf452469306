// `npm run restore -- FILE [--force]`: verifies the whole archive, then restores it into the configured
// database (empty, or replaced with --force), migrates it, and says what it restored. Stop the app first.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { restoreBackup } from '../src/backup/restore.js';
import { ArchiveError } from '../src/backup/read.js';
import { SchemaTooNewError } from '../src/db/migrate.js';
import { progressLine, withDatabase } from './backup-cli.js';

const { values, positionals } = parseArgs({ options: { force: { type: 'boolean', default: false } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error('Usage: npm run restore -- FILE [--force]');
  process.exit(2);
}
const file = path.resolve(positionals[0]!);
try {
  await withDatabase(async (db) => {
    const r = await restoreBackup(db, file, { force: values.force, progress: progressLine('restore') });
    for (const [name, count] of Object.entries(r.counts)) console.log(`  ${name}: ${count}`);
    const total = Object.values(r.counts).reduce((s, n) => s + n, 0);
    const migrated = r.migrated.length ? `; migrated ${r.migrated.join(', ')}` : '';
    console.log(
      `Restored ${total} documents from ${file} in ${(r.ms / 1000).toFixed(1)} s; schema ${r.schemaVersion ?? 'none'}${migrated}`,
    );
  });
} catch (err) {
  const refused = err instanceof ArchiveError || err instanceof SchemaTooNewError;
  console.error(`${refused ? 'Restore refused (nothing written)' : 'Restore failed'}: ${(err as Error).message}`);
  process.exit(1);
}
