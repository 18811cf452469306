// The real server (src/server.ts) as a child process, on a given database or on the embedded one
// it starts itself; its log lines are kept for the test to read.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/db/embedded.js';

const root = path.resolve(import.meta.dirname, '../..');

export interface ChildServer {
  child: ChildProcess;
  url: string;
  lines: string[];
  exited: Promise<number | null>;
}

/**
 * The server on the database at `db`, or (`{ dataDir }`) on the embedded database it starts itself;
 * resolves once it logs a line containing `readyLine` ("is ready on": warm and serving).
 */
export async function startChildServer(
  db: string | { dataDir: string; ferretdbPort: number },
  extraEnv: Record<string, string> = {},
  readyLine = 'is ready on',
): Promise<ChildServer> {
  const port = await freePort();
  const { MONGODB_URI: _harnessDb, ...harnessEnv } = process.env;
  const dbEnv = typeof db === 'string' ? { MONGODB_URI: db } : { DATA_DIR: db.dataDir, FERRETDB_PORT: String(db.ferretdbPort) };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...harnessEnv,
      ...dbEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: `http://127.0.0.1:${port}`,
      SCHEDULER: 'on',
      CRON_TICK: '*/2 * * * * *',
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffer = '';
  child.stdout.on('data', (c: Buffer) => {
    buffer += c.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.on('data', (c: Buffer) => lines.push(c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (lines.some((l) => l.includes(readyLine))) return { child, url, lines, exited };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start:\n${lines.join('\n')}`);
}
