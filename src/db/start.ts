// The configured database for a process entry point (server, worker, seed, measurement scripts).
import { config } from '../config.js';
import { startDatabase, type RunningDatabase } from './embedded.js';

export function startConfiguredDatabase(log: (msg: string) => void): Promise<RunningDatabase> {
  return startDatabase({ uri: config.mongodbUri, dataDir: config.dataDir, ferretdbPort: config.ferretdbPort, log });
}
