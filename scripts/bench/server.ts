// The production server as the bench runs it, and the waits for it to answer or to be ready.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');

/** How `npm start` runs the server (package.json config: V8 flags, glibc malloc arenas): measure what runs. */
export const startConfig =
  (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { config?: { nodeFlags?: string; mallocArenaMax?: string } })
    .config ?? {};
export const nodeFlags = startConfig.nodeFlags?.split(/\s+/).filter(Boolean) ?? [];
export const startEnv: Record<string, string> = startConfig.mallocArenaMax ? { MALLOC_ARENA_MAX: startConfig.mallocArenaMax } : {};

export function startServer(dataDir: string, dbPort: number, port: number, extraEnv: Record<string, string> = {}): ChildProcess {
  // No SMTP_URL: mail would go to the development outbox (nothing is sent during the bench).
  const { SMTP_URL: _unused, MONGODB_URI: _unusedToo, ...env } = process.env;
  return spawn(process.execPath, [...nodeFlags, 'dist/src/server.js'], {
    cwd: root,
    env: {
      ...env,
      ...startEnv,
      NODE_ENV: 'production',
      SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-42',
      DATA_DIR: dataDir,
      FERRETDB_PORT: String(dbPort),
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: `http://127.0.0.1:${port}`,
      SCHEDULER: 'off',
      COUNT_DB_COMMANDS: 'on',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
}

/** Polls `url` until `accept` holds for its status; resolves with the milliseconds since `since`. */
async function waitFor(url: string, child: ChildProcess, ms: number, since: number, accept: (status: number) => boolean): Promise<number> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(10_000) }).then(
      async (r) => (await r.arrayBuffer(), accept(r.status)),
      () => false,
    );
    if (ok) return performance.now() - since;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer in ${Math.round(ms / 1000)} s`);
}

/** Any answer but a server error: the process listens (the baseline). */
export const waitHttp = (url: string, child: ChildProcess, ms = 120_000) => waitFor(url, child, ms, performance.now(), (s) => s < 500);

/**
 * Ready: /healthz answers 200. A server that loads its read model before serving answers 503
 * (`warming`) meanwhile; one that loads lazily answers 200 at once. Resolves with ms since `spawnedAt`.
 */
export const waitReady = (base: string, child: ChildProcess, spawnedAt: number, ms = 15 * 60_000) =>
  waitFor(`${base}/healthz`, child, ms, spawnedAt, (s) => s === 200);
