// Process entry: config → database → app → scheduler → listen; a graceful stop on SIGINT/SIGTERM.
import { config, sessionSecretReady } from './config.js';
import { logger } from './logger.js';
import { migrateOrStop, startConfiguredDatabase } from './db/start.js';
import { connectDatabase, disconnectDatabase } from './db/connection.js';
import { closeMailer, mailer } from './mail/transport.js';
import { startScheduler } from './scheduler.js';
import { drainableServer } from './http/drain.js';
import { stopImports } from './partners/import.js';
import { keepDirectoriesCurrent, warmDirectories } from './db/directory.js';
import { setReadModelState } from './health.js';

const started = Date.now();
/** How often the read model applies the change log between requests (one small read when nothing changed). */
const READ_MODEL_TICK_MS = 1000;
const secret = sessionSecretReady();
const database = await startConfiguredDatabase((msg) => logger.info(msg)).catch((err: unknown) => {
  logger.fatal((err as Error).message);
  process.exit(1);
});
logger.info(`Database: ${database.description}; ${secret}`);

await connectDatabase(database.uri);
await migrateOrStop(
  (m) => logger.info(m),
  (m) => logger.fatal(m),
);
const { createApp } = await import('./app.js');
const app = createApp();
const stopScheduler = config.scheduler.enabled ? startScheduler() : () => Promise.resolve();
if (!config.scheduler.enabled) logger.info('SCHEDULER=off: this process serves the web only (run `npm run worker` for the schedules)');

const mail = mailer();
if (mail.kind === 'smtp')
  mail.verify().catch((err: unknown) => logger.warn({ err }, 'SMTP server not reachable yet; mail will wait in the outbox'));
else logger.info('SMTP_URL is not set: mail goes to the development outbox (Administration → Mail outbox)');

// Listen at once (/healthz answers `warming`), and load the read model before reporting ready: no
// user's first page waits for it. A request that comes meanwhile waits for the loads under way.
setReadModelState('warming');
const { server, stop: stopServer } = drainableServer(app);
server.listen(config.port, config.host, () => logger.info(`Listening on ${config.baseUrl}; loading the read model…`));
const stopKeepingCurrent = keepDirectoriesCurrent(READ_MODEL_TICK_MS, (coll, err) =>
  logger.warn({ err }, `read model: ${coll} could not be refreshed`),
);
void (async function warm(): Promise<void> {
  try {
    await warmDirectories((coll, ms) => logger.info(`Read model: ${coll} loaded in ${ms} ms`));
    setReadModelState('ready');
    logger.info(`Passerelle is ready on ${config.baseUrl} (started in ${Date.now() - started} ms)`);
  } catch (err) {
    // The database went away during the load: /healthz stays `warming`, and the load starts again.
    logger.warn({ err }, 'read model: loading failed; trying again in 5 s');
    setTimeout(() => void warm(), 5000).unref();
  }
})();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal}: stopping`);
  // Stop accepting and finish the requests in flight (keep-alive clients are told to close), and let
  // a job run in progress end, before the database and the mail pool close under them.
  // A running import ends after its current batch; the next start rolls it back (import-recovery.ts).
  stopKeepingCurrent();
  const jobsEnded = Promise.race([Promise.all([stopScheduler(), stopImports()]), new Promise<void>((r) => setTimeout(r, 8000))]);
  const [finished] = await Promise.all([stopServer(8000), jobsEnded]);
  if (!finished) logger.warn('requests still running after 8 s were cut off');
  closeMailer();
  await disconnectDatabase().catch(() => undefined);
  await database.stop().catch((err: unknown) => logger.warn({ err }, 'database stop failed'));
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
