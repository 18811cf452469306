// The database order: MONGODB_URI → a mongod on PATH → FerretDB 1.24.2 (SQLite) → mongodb-memory-server.
// Imports nothing from config.ts so the test harness can start a database before the config is read.
import { execFile, type ChildProcess } from 'node:child_process';
import { clearStale, liveOwner, spawnDatabase, supervise, type OwnerRecord } from './embedded-process.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';

export interface RunningDatabase {
  uri: string;
  kind: 'uri' | 'mongod' | 'ferretdb' | 'memory';
  description: string;
  dataPath?: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  uri?: string;
  dataDir: string;
  ferretdbPort: number;
  /** Tests: a fresh temporary folder and a free port, removed on stop. */
  ephemeral?: boolean;
  log: (msg: string) => void;
}

const projectRoot = path.resolve(import.meta.dirname, import.meta.dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
const execFileAsync = promisify(execFile);
const launcherSources = path.join(projectRoot, 'scripts', 'ferretdb');
/** The launcher binary is named by a hash of its sources: a changed launcher is built again. */
const sourceHash = (): string => {
  if (!fs.existsSync(launcherSources)) return 'no-sources'; // a deployment without scripts/: MONGODB_URI or mongod
  const hash = createHash('sha256');
  for (const f of fs
    .readdirSync(launcherSources)
    .filter((n) => /\.go$|^go\.(mod|sum)$/.test(n))
    .sort())
    hash.update(f).update(fs.readFileSync(path.join(launcherSources, f)));
  return hash.digest('hex').slice(0, 12);
};
export const launcherPath = path.join(projectRoot, 'bin', `ferretdb-launcher-${sourceHash()}`);

const onPath = (cmd: string): string | null => {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const portBusy = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });

async function waitForPing(uri: string, port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the database process exited (${child.exitCode ?? child.signalCode})`);
    // A refused TCP connect costs a millisecond; a driver ping on a closed port costs its whole timeout.
    if (!(await portBusy(port))) {
      await new Promise((r) => setTimeout(r, 25));
      continue;
    }
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`the database did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

async function buildFerretdb(log: (m: string) => void): Promise<void> {
  if (fs.existsSync(launcherPath)) return;
  const go = onPath('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
  if (!go) throw new Error('Go is not installed (no `go` on PATH), so the FerretDB launcher cannot be built');
  log('Building the FerretDB 1.24.2 launcher from the Go module proxy (first start only: a minute or two, more on a busy machine)…');
  fs.mkdirSync(path.dirname(launcherPath), { recursive: true });
  const t0 = Date.now();
  const tmp = `${launcherPath}.${process.pid}.tmp`;
  try {
    // Into a temporary name, then renamed: an interrupted build never leaves a half-written launcher.
    await execFileAsync(go, ['build', '-o', tmp, '.'], { cwd: launcherSources, maxBuffer: 16 << 20 });
    fs.renameSync(tmp, launcherPath);
    // Launchers built from earlier sources are no longer used.
    for (const old of fs.readdirSync(path.dirname(launcherPath)))
      if (old.startsWith('ferretdb-launcher') && !old.endsWith('.tmp') && path.join(path.dirname(launcherPath), old) !== launcherPath)
        fs.rmSync(path.join(path.dirname(launcherPath), old), { force: true });
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const e = err as Error & { stderr?: string };
    throw new Error(`\`go build\` failed: ${(e.stderr ?? '').trim() || e.message}`, { cause: err });
  }
  log(`Built ${path.relative(process.cwd(), launcherPath) || launcherPath} in ${Math.round((Date.now() - t0) / 1000)} s`);
}

const labels = { ferretdb: 'FerretDB 1.24.2 (SQLite)', mongod: 'mongod' } as const;

/** The database a live server (or worker) already runs on this folder: connect to it, never stop it. */
async function attach(kind: 'ferretdb' | 'mongod', dataPath: string, owner: OwnerRecord): Promise<RunningDatabase | null> {
  const uri = `mongodb://127.0.0.1:${owner.port}/passerelle`;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } catch {
    return null;
  } finally {
    await client.close().catch(() => undefined);
  }
  const description = `${labels[kind]} at ${dataPath} on 127.0.0.1:${owner.port}, run by process ${owner.ownerPid}`;
  return { uri, kind, dataPath, description, stop: () => Promise.resolve() };
}

async function startChild(
  kind: 'ferretdb' | 'mongod',
  opts: StartOptions,
  dataPath: string,
  port: number,
  cleanup: () => void,
): Promise<RunningDatabase> {
  fs.mkdirSync(dataPath, { recursive: true });
  const pidFile = path.join(dataPath, `${kind}.pid`);
  const owner = liveOwner(dataPath, pidFile);
  const shared = owner && (await attach(kind, dataPath, owner));
  if (shared) return shared;
  await clearStale(pidFile, opts.log);
  if (await portBusy(port)) {
    throw new Error(
      `port ${port} on 127.0.0.1 is already in use by another program (not a database started from ${dataPath}): ` +
        'stop that program, or set FERRETDB_PORT to a free port',
    );
  }
  const [cmd, args] =
    kind === 'ferretdb'
      ? [launcherPath, ['-listen', `127.0.0.1:${port}`, '-dir', dataPath]]
      : [onPath('mongod')!, ['--dbpath', dataPath, '--port', String(port), '--bind_ip', '127.0.0.1']];
  const child = spawnDatabase(cmd, args);
  let stderr = '';
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  try {
    await spawned;
  } catch (err) {
    cleanup();
    throw new Error(`could not run ${cmd}: ${(err as Error).message}`, { cause: err });
  }
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const respawn = () => {
    const next = spawnDatabase(cmd, args);
    next.stderr?.resume(); // an unread pipe would fill and stall the database
    return next;
  };
  const supervised = supervise(child, respawn, { pidFile, owner: { ownerPid: process.pid, port } }, opts.log, cleanup);
  const uri = `mongodb://127.0.0.1:${port}/passerelle`;
  try {
    await waitForPing(uri, port, child, 30_000);
  } catch (err) {
    await supervised.stop();
    throw new Error(`${(err as Error).message}\n${stderr}`, { cause: err });
  }
  child.stderr?.removeAllListeners('data');
  child.stderr?.resume();
  return { uri, kind, dataPath, description: `${labels[kind]} at ${dataPath} on 127.0.0.1:${port}`, stop: supervised.stop };
}

export async function startDatabase(opts: StartOptions): Promise<RunningDatabase> {
  if (opts.uri) {
    const safe = opts.uri.replace(/\/\/[^@/]*@/, '//***@');
    return { uri: opts.uri, kind: 'uri', description: `MONGODB_URI (${safe})`, stop: () => Promise.resolve() };
  }
  const base = opts.ephemeral ? fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-db-')) : opts.dataDir;
  const port = opts.ephemeral || opts.ferretdbPort === 0 ? await freePort() : opts.ferretdbPort;
  // Tests: the whole temporary folder goes on stop (and on exit, or when nothing could start).
  const cleanup = () => {
    if (opts.ephemeral) fs.rmSync(base, { recursive: true, force: true });
  };
  const failures: string[] = [];

  if (onPath('mongod')) {
    try {
      return await startChild('mongod', opts, path.join(base, 'mongod'), port, cleanup);
    } catch (err) {
      failures.push(`mongod: ${(err as Error).message}`);
    }
  }
  try {
    await buildFerretdb(opts.log);
    return await startChild('ferretdb', opts, path.join(base, 'ferretdb'), port, cleanup);
  } catch (err) {
    failures.push(`FerretDB: ${(err as Error).message}`);
    opts.log(`FerretDB could not start: ${(err as Error).message}`);
    cleanup();
  }
  try {
    opts.log('Trying mongodb-memory-server (downloads a mongod where the internet is reachable, or uses MONGOMS_SYSTEM_BINARY)…');
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    const mem = await MongoMemoryServer.create();
    return {
      uri: mem.getUri('passerelle'),
      kind: 'memory',
      description: 'mongodb-memory-server (in memory)',
      stop: async () => void (await mem.stop()),
    };
  } catch (err) {
    failures.push(`mongodb-memory-server: ${(err as Error).message}`);
  }
  throw new Error(
    `No database could be started:\n  ${failures.join('\n  ')}\n` +
      'Set MONGODB_URI to a MongoDB server, e.g. MONGODB_URI=mongodb://127.0.0.1:27017/passerelle npm start',
  );
}
