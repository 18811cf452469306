// Runs before any spec file is imported: starts a real database (same order as the app) and a real
// SMTP server, then sets the environment the app's config reads. Nothing here imports src/config.ts.
import { startDatabase, type RunningDatabase } from '../../src/db/embedded.js';
import { startSmtp, setTestSmtp, type TestSmtp } from './smtp.js';

const t0 = Date.now();
const db: RunningDatabase = await startDatabase({
  uri: process.env.MONGODB_URI || undefined,
  dataDir: '',
  ferretdbPort: 0,
  ephemeral: true,
  log: (m) => console.log(`[test db] ${m}`),
});
const smtp: TestSmtp = await startSmtp();
setTestSmtp(smtp);

const dbName = `passerelle_test_${Date.now()}`;
const url = new URL(db.uri);
url.pathname = `/${dbName}`;
Object.assign(process.env, {
  NODE_ENV: 'test',
  MONGODB_URI: url.toString(),
  SMTP_URL: smtp.url,
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  PASSWORD_HASH_MEMORY_KIB: '1024',
  SCHEDULER: 'off',
  BASE_URL: 'http://passerelle.test',
  DEFAULT_LOCALE: 'fr',
});
console.log(`Tests use ${db.description}, database ${dbName} (ready in ${Date.now() - t0} ms)`);

export async function mochaGlobalTeardown(): Promise<void> {
  const mongoose = (await import('mongoose')).default;
  if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
  }
  await smtp.stop();
  await db.stop();
}
