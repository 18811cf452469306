// `npm run worker`: the schedules without the web server (pair with SCHEDULER=off web processes).
import { sessionSecretReady } from './config.js';
import { logger } from './logger.js';
import { migrateOrStop, startConfiguredDatabase } from './db/start.js';
import { connectDatabase, disconnectDatabase } from './db/connection.js';
import { startScheduler } from './scheduler.js';

// The worker signs partner links: the same secret as the web process (SESSION_SECRET, or the same file).
const secret = sessionSecretReady();
const database = await startConfiguredDatabase((m) => logger.info(m)).catch((err: unknown) => {
  logger.fatal((err as Error).message);
  process.exit(1);
});
logger.info(`Database: ${database.description}; ${secret}`);
await connectDatabase(database.uri);
await migrateOrStop(
  (m) => logger.info(m),
  (m) => logger.fatal(m),
);
const stop = startScheduler();
logger.info('Passerelle worker: schedules running');

async function shutdown(signal: string): Promise<void> {
  logger.info(`${signal}: stopping the worker`);
  await stop();
  await disconnectDatabase().catch(() => undefined);
  await database.stop().catch(() => undefined);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
