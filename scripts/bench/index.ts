// `npm run bench` — builds the app, seeds a small (100 partners) and a large portfolio (20,000
// partners, 5,000 agreements, 100,000 KPI measurements, 50,000 meetings) each in its own data folder
// (data/bench-N, kept between runs), starts the production server on each, and measures every page
// with autocannon (20 connections, after a warm-up) against a baseline measured in the same run: a
// bare Express + EJS server rendering the same partner-list template from memory. Then mail delivery,
// CSV import and CSV export. Then, per size, first requests against the warm p50: after a cold start,
// after a 600-row import through the UI, after an idle spell past the read model's reload (a server
// of its own, CHANGE_RETENTION_MINUTES=2); and the time to create a partner through the form.
// Prints tables; changes nothing outside data/bench-* (what the bench writes is removed again, db.ts).
// Options: --partners N (the large size), env BENCH_DURATION (seconds per page, default 10),
// BENCH_JOBS=off (no mail delivery and CSV import jobs), BENCH_IMPORT_ROWS (default 50,000),
// BENCH_IDLE_SECONDS (the idle spell, default 70).
import autocannon from 'autocannon';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../../src/db/embedded.js';
import { clearChangeLog, pickIds, removeBenchWrites, type BenchWrites } from './db.js';
import {
  afterIdle,
  attempt,
  firstRequestTable,
  firstRequests,
  idleSeconds,
  lazySession,
  pagesFor,
  writeTable,
  type FirstRequest,
} from './first-requests.js';
import { nodeFlags, root, startConfig, startEnv, startServer, stopServer, waitHttp, waitReady } from './server.js';
import { importThroughUi, timeCreates } from './writes.js';
import { benchDocuments } from './documents.js';
const { values } = parseArgs({ options: { partners: { type: 'string', default: '20000' } } });
const large = Number(values.partners);
const duration = Number(process.env.BENCH_DURATION ?? 10);
const warmup = Math.max(2, Math.round(duration / 3));
const say = (m: string) => process.stderr.write(`${m}\n`);

interface PageResult {
  page: string;
  size: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  commands: string;
  /** The server's largest resident memory while this page was under load, in MB. */
  rssMb: number;
}

function seed(size: number, dataDir: string, dbPort: number): void {
  const marker = path.join(dataDir, '.bench-seeded');
  if (fs.existsSync(marker)) {
    say(`data/bench-${size}: already seeded`);
    return;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  say(`Seeding ${size} partners into data/bench-${size}…`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--partners', String(size)], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, FERRETDB_PORT: String(dbPort), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`seed failed (${r.status})`);
  fs.writeFileSync(marker, new Date().toISOString());
}

async function commandsOf(url: string, cookie: string): Promise<string> {
  const get = (headers: Record<string, string>) => fetch(url, { headers: { cookie, ...headers }, signal: AbortSignal.timeout(600_000) });
  await (await get({})).arrayBuffer(); // steady state: directories loaded, and the previous page's load drained
  const res = await get({ 'X-Count-Db-Commands': '1' });
  await res.arrayBuffer();
  return res.headers.get('x-db-commands') ?? '?';
}

async function load(url: string, cookie: string | null, seconds: number) {
  const opts = { url, connections: 20, duration: seconds, headers: cookie ? { cookie } : {}, timeout: 60 };
  return autocannon(opts);
}

/** Samples a process's resident memory while `work` runs; resolves with the work's result and the largest sample (MB). */
async function sampleRss<T>(pid: number | null, work: () => Promise<T>): Promise<[T, number]> {
  let peak = pid === null ? NaN : currentRss(pid);
  const sampler = pid === null ? undefined : setInterval(() => (peak = Math.max(peak, currentRss(pid))), 25);
  try {
    return [await work(), peak];
  } finally {
    clearInterval(sampler);
  }
}

async function measure(page: string, size: number, url: string, cookie: string | null, pid: number | null = null): Promise<PageResult> {
  say(`  ${page} (${size})…`);
  let commands: string;
  try {
    commands = await commandsOf(url, cookie ?? '');
  } catch (err) {
    say(`    ${page}: no answer within 600 s (${(err as Error).message})`);
    return { page, size, rps: 0, p50: NaN, p99: NaN, errors: NaN, commands: 'timeout', rssMb: NaN };
  }
  const [r, rssMb] = await sampleRss(pid, async () => {
    await load(url, cookie, warmup);
    return load(url, cookie, duration);
  });
  const row = {
    page,
    size,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    commands,
    rssMb,
  };
  say(`    ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.errors} errors, ${commands} db commands, ${rssMb} MB`);
  return row;
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
const peakRss = (pid: number): number => {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};
const currentRss = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

/** Runs a bench script in its own process, with the server's environment; returns the JSON line it prints. */
function runScript(name: string, args: string[], uri: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, [...args], {
    cwd: root,
    env: { ...process.env, ...startEnv, MONGODB_URI: uri, LOG_LEVEL: 'silent', SCHEDULER: 'off' },
    encoding: 'utf8',
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${name} failed: ${r.stderr}`);
  return JSON.parse(line) as Record<string, unknown>;
}

// With the server's Node flags: in production the import and the delivery run inside the server. A
// database of their own on the same server, dropped afterwards: the portfolio stays as seeded.
const runJob = (name: string, dbPort: number) =>
  runScript(`${name} job`, [...nodeFlags, '--import', 'tsx', 'scripts/bench/jobs.ts', name], `mongodb://127.0.0.1:${dbPort}/bench_jobs`);

/** The memory each directory holds, loaded from the seeded portfolio (read only). */
const directoryMemory = (dbPort: number) =>
  runScript('directories', ['--expose-gc', '--import', 'tsx', 'scripts/bench/directories.ts'], `mongodb://127.0.0.1:${dbPort}/passerelle`);

say('Building (npm run build)…');
execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

// The baseline, in its own process like the real server.
const basePort = await freePort();
const baseline = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/baseline.ts', String(basePort)], {
  cwd: root,
  env: { ...process.env, LOG_LEVEL: 'silent' },
  stdio: 'inherit',
});
await waitHttp(`http://127.0.0.1:${basePort}/`, baseline);
say('Baseline (bare Express + EJS, same template, no database)…');
const base = await measure('baseline: partner list from memory', 0, `http://127.0.0.1:${basePort}/`, null);
baseline.kill('SIGTERM');

const results: PageResult[] = [];
const memory: Record<number, number> = {};
let exportPeak = NaN;
let jobs: Record<string, unknown>[] = [];
let directories: Record<string, unknown> = {};
const readySeconds: Record<number, number> = {};
const cold: FirstRequest[] = [];
const afterImport: FirstRequest[] = [];
const idle: FirstRequest[] = [];
const creates: [number, number[]][] = [];
const IMPORT_ROWS = 600;
for (const size of [100, large]) {
  const dataDir = path.join(root, 'data', `bench-${size}`);
  const dbPort = await freePort();
  seed(size, dataDir, dbPort);
  await clearChangeLog(dataDir, dbPort);
  const port = await freePort();
  const writes: BenchWrites = { importIds: [], partnerIds: [], since: new Date() };
  const spawnedAt = performance.now();
  const server = startServer(dataDir, dbPort, port);
  const url = `http://127.0.0.1:${port}`;
  let pages: ReturnType<typeof pagesFor> = [];
  try {
    readySeconds[size] = Math.round((await waitReady(url, server, spawnedAt)) / 100) / 10;
    say(`  ready (healthz 200) ${readySeconds[size]} s after spawn; first request of each page…`);
    const ids = await pickIds(dbPort);
    pages = pagesFor(ids.partnerId, ids.agreementId);
    const session = lazySession(url);
    cold.push(...(await firstRequests(url, size, pages, session)));
    const cookie = (await session()).cookie;
    for (const [name, p, auth] of pages) results.push(await measure(name, size, `${url}${p}`, auth ? cookie : null, server.pid));
    memory[size] = peakRss(server.pid!);
    if (size === large) {
      say('  memory held by each directory (own process)…');
      directories = directoryMemory(dbPort);
      say(`    ${JSON.stringify(directories)}`);
      say('  CSV export (whole list)…');
      const [bytes, peak] = await sampleRss(server.pid!, async () => {
        const res = await fetch(`${url}/partners/export.csv`, { headers: { cookie } });
        return (await res.arrayBuffer()).byteLength;
      });
      exportPeak = peak;
      say(`  export: ${Math.round(bytes / 1024)} KB`);
      say('  a 25 MB document uploaded and downloaded (server memory before and during)…');
      const docs = await attempt('documents', async () => benchDocuments(await session(), server.pid!, ids.partnerId));
      if (docs) say(`    ${JSON.stringify(docs)}`);
    } else if (process.env.BENCH_JOBS !== 'off') {
      say('  mail delivery and CSV import (own processes)…');
      jobs = [runJob('mail', dbPort), runJob('import', dbPort)];
      for (const j of jobs) say(`    ${JSON.stringify(j)}`);
    }
    say('  creating partners through the form…');
    const ms = await attempt('write', async () => timeCreates(await session(), 7, writes));
    if (ms) creates.push([size, ms]);
    say(`    ${ms?.join(', ')} ms`);
    say(`  importing ${IMPORT_ROWS} partners through the UI…`);
    const seconds = await attempt('import', async () => importThroughUi(await session(), IMPORT_ROWS, writes));
    if (seconds !== undefined) {
      say(`    done in ${seconds.toFixed(1)} s; first request of each page…`);
      afterImport.push(...(await firstRequests(url, size, pages, session)));
    }
  } finally {
    await stopServer(server);
    const removed = await attempt('clean-up', () => removeBenchWrites(dataDir, dbPort, writes));
    say(`  removed what the bench wrote: ${JSON.stringify(removed)}`);
  }
  idle.push(...((await attempt('after idle', () => afterIdle(dataDir, dbPort, size, pages))) ?? []));
}

function firstRequestTables(): string[] {
  const warmP50 = (size: number, page: string) => results.find((r) => r.size === size && r.page === page)?.p50 ?? NaN;
  const ready = Object.entries(readySeconds).map(([size, sec]) => `${sec} s at ${size} partners`);
  return [
    ...firstRequestTable(
      `Cold start: ready (/healthz 200) ${ready.join(', ')} after spawn; then each page once, before any warm-up`,
      cold,
      warmP50,
    ),
    ...firstRequestTable(`After a ${IMPORT_ROWS}-row import through the UI: each page once`, afterImport, warmP50),
    ...firstRequestTable(
      `After idle: ${idleSeconds} s without requests, CHANGE_RETENTION_MINUTES=2 (reload due after 60 s)`,
      idle,
      warmP50,
    ),
    ...writeTable(creates),
  ];
}

const ratio = (r: PageResult) => (base.rps ? (r.rps / base.rps).toFixed(2) : '—');
const lines = [
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${duration} s per page after ${warmup} s warm-up, 20 connections; server flags: ${nodeFlags.join(' ') || 'none'}${startConfig.mallocArenaMax ? `, MALLOC_ARENA_MAX=${startConfig.mallocArenaMax}` : ''}.`,
  '',
  '| page | partners | req/s | × baseline | p50 ms | p99 ms | errors | db commands | server RSS MB |',
  '|---|---|---|---|---|---|---|---|---|',
  `| ${base.page} | — | ${base.rps} | 1.00 | ${base.p50} | ${base.p99} | ${base.errors} | 0 | — |`,
  ...results.map(
    (r) => `| ${r.page} | ${r.size} | ${r.rps} | ${ratio(r)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.commands} | ${r.rssMb} |`,
  ),
  '',
  `Server peak resident memory under load: ${Object.entries(memory)
    .map(([s, mb]) => `${mb} MB at ${s} partners`)
    .join(', ')}; during a CSV export of ${large} partners: ${exportPeak} MB.`,
  `Memory held by the in-memory directories at ${large} partners (MB, heap and typed arrays): ${JSON.stringify(directories)}.`,
  ...jobs.map((j) => `${String(j.job)}: ${JSON.stringify(j)}`),
  '',
  ...firstRequestTables(),
];
console.log(lines.join('\n'));
