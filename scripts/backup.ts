// `npm run backup [-- FILE]`: one archive of the configured database (default: <DATA_DIR>/backups/).
import path from 'node:path';
import { config } from '../src/config.js';
import { archiveName } from '../src/backup/format.js';
import { writeBackup } from '../src/backup/write.js';
import { megabytes, progressLine, withDatabase } from './backup-cli.js';

const arg = process.argv.slice(2).find((a) => !a.startsWith('-'));
const file = path.resolve(arg ?? path.join(config.backup.dir, archiveName(new Date())));
try {
  await withDatabase(async (db) => {
    const r = await writeBackup(db, file, progressLine('backup'));
    const docs = Object.values(r.counts).reduce((s, n) => s + n, 0);
    console.log(
      `Backup written to ${r.file}: ${docs} documents in ${Object.keys(r.counts).length} collections, ${megabytes(r.bytes)}, ${(r.ms / 1000).toFixed(1)} s`,
    );
  });
} catch (err) {
  console.error(`Backup failed: ${(err as Error).message}`);
  process.exit(1);
}
