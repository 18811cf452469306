// `npm run db` — only the database, by the app's order (MONGODB_URI → mongod → FerretDB → memory), until Ctrl-C.
import { config } from '../src/config.js';
import { startDatabase } from '../src/db/embedded.js';

const t0 = Date.now();
const db = await startDatabase({
  uri: config.mongodbUri,
  dataDir: config.dataDir,
  ferretdbPort: config.ferretdbPort,
  log: (m) => console.error(m),
}).catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});

console.error(`${db.description} (ready in ${Date.now() - t0} ms)`);
console.log(db.uri);
if (db.kind === 'uri') {
  console.error('MONGODB_URI is set: nothing to start.');
  process.exit(0);
}
console.error('Ctrl-C stops it.');

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`${signal}: stopping the database`);
  db.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`stop failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGHUP', () => shutdown('SIGHUP'));
// Stay up until a signal.
setInterval(() => undefined, 1 << 30);
