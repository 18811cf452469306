// npm run seed                      → a demo portfolio for a first look (bilingual, every type and stage)
// npm run seed -- --partners 20000  → that many generated partners, for benchmarks (progress on stderr)
// Uses the same database as the app (MONGODB_URI, else the embedded FerretDB in DATA_DIR): stop the
// app first when it runs the embedded database. Features add their seeders below.
import { parseArgs } from 'node:util';
import { config } from '../src/config.js';
import { startDatabase } from '../src/db/embedded.js';
import { connectDatabase, disconnectDatabase } from '../src/db/connection.js';
import { seedPartners } from './seed/partners.js';
import { seedUsers } from './seed/users.js';

const { values } = parseArgs({ options: { partners: { type: 'string' } }, strict: true });
const count = values.partners === undefined ? undefined : Number(values.partners);
if (count !== undefined && (!Number.isInteger(count) || count < 1 || count > 1_000_000)) {
  console.error('--partners takes a whole number between 1 and 1000000');
  process.exit(2);
}

const database = await startDatabase({
  uri: config.mongodbUri,
  dataDir: config.dataDir,
  ferretdbPort: config.ferretdbPort,
  log: (msg) => console.error(msg),
});
try {
  await connectDatabase(database.uri);
  const owners = await seedUsers();
  const started = Date.now();
  const n = await seedPartners({ owners, count });
  console.log(`${n} partners added in ${((Date.now() - started) / 1000).toFixed(1)} s (${database.description}).`);
} finally {
  await disconnectDatabase();
  await database.stop();
}
