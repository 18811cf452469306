// First requests: each benchmarked page requested once, one after another, with nothing before it
// that would have loaded what it needs — after a cold start, after an import, after an idle spell —
// compared with the page's warm p50 under load. And the tables the bench prints for them.
import { freePort } from '../../src/db/embedded.js';
import { signIn, type Session } from './http.js';
import { startServer, stopServer, waitReady } from './server.js';

const say = (m: string) => process.stderr.write(`${m}\n`);

/** A benchmarked page: its name in the tables, its path, and whether it needs a signed-in session. */
export type Page = [name: string, path: string, auth: boolean];

export const pagesFor = (partnerId: string, agreementId: string): Page[] => [
  ['sign-in page', '/login', false],
  ['partner list', '/partners', true],
  ['partner list, filtered', '/partners?type=school&stage=exploring', true],
  ['partner list, searched', '/partners?q=ecole', true],
  ['partner page', `/partners/${partnerId}`, true],
  ['agreement page (KPIs)', `/agreements/${agreementId}`, true],
  ['dashboard', '/dashboard?owner=all', true],
  ['calendar month', '/meetings/calendar', true],
];

export interface FirstRequest {
  size: number;
  page: string;
  /** From sending the request to its last byte; NaN when it got no answer. */
  ms: number;
}

/**
 * Each page once, in order. `session` is asked for only when a page needs it, so a cold pass times
 * the sign-in page before anything else and signs in just before the first signed-in page.
 */
export async function firstRequests(
  base: string,
  size: number,
  pages: Page[],
  session: () => Promise<Session>,
  label = 'first',
): Promise<FirstRequest[]> {
  const out: FirstRequest[] = [];
  for (const [page, path, auth] of pages) {
    const s = auth ? await session() : null;
    const t0 = performance.now();
    let ms = NaN;
    try {
      const res = s ? await s.request(path) : await fetch(`${base}${path}`, { signal: AbortSignal.timeout(600_000) });
      await res.arrayBuffer();
      if (res.status === 200) ms = Math.round(performance.now() - t0);
      else say(`    ${page}: ${res.status}`);
    } catch (err) {
      say(`    ${page}: no answer (${(err as Error).message})`);
    }
    say(`    ${label} ${page}: ${ms} ms`);
    out.push({ size, page, ms });
  }
  return out;
}

/** Memoized sign-in: one session per server, made when first needed. */
export function lazySession(base: string): () => Promise<Session> {
  let session: Promise<Session> | undefined;
  return () => (session ??= signIn(base));
}

export const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 70);
/** Retention of the change log for the idle step: the read model's background reload is due after half of it. */
const IDLE_RETENTION_MINUTES = '2';

/**
 * A server of its own with a short change-log retention: ready, signed in and every page requested
 * once (so what each needs is loaded), then `idleSeconds` without a request, past the reload's due
 * time; then the first request of each page again.
 */
export async function afterIdle(dataDir: string, dbPort: number, size: number, pages: Page[]): Promise<FirstRequest[]> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const spawnedAt = performance.now();
  const server = startServer(dataDir, dbPort, port, { CHANGE_RETENTION_MINUTES: IDLE_RETENTION_MINUTES });
  try {
    await waitReady(base, server, spawnedAt);
    const session = lazySession(base);
    say(`  after idle (${size}): each page once, then ${idleSeconds} s without requests…`);
    await firstRequests(base, size, pages, session, 'before idle:');
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    return await firstRequests(base, size, pages, session);
  } finally {
    await stopServer(server);
  }
}

/** Runs a step; a failure is reported and the bench goes on (the tables show what was measured). */
export async function attempt<T>(step: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    say(`  ${step} failed: ${(err as Error).stack ?? String(err)}`);
    return undefined;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
const mark = (ok: boolean) => (ok ? 'pass' : 'FAIL');

/** A first-request table: each row against its page's warm p50 at the same size (autocannon's whole milliseconds: at least 1). */
export function firstRequestTable(title: string, rows: FirstRequest[], warmP50: (size: number, page: string) => number): string[] {
  if (!rows.length) return [title, '', '(not measured)', ''];
  return [
    title,
    '',
    '| page | partners | first request ms | warm p50 ms | × warm p50 | target | |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const p50 = warmP50(r.size, r.page);
      const x = r.ms / Math.max(p50, 1);
      return `| ${r.page} | ${r.size} | ${r.ms} | ${p50} | ${x.toFixed(1)} | ≤ 2× warm p50 | ${mark(x <= 2)} |`;
    }),
    '',
  ];
}

/** The write table: median of the creations per size, and the large size against the small one. */
export function writeTable(bySize: [number, number[]][]): string[] {
  const lines = ['Write: creating a partner through the form (POST /partners to its redirect), one at a time', ''];
  lines.push('| partners | creations | median ms | each ms |', '|---|---|---|---|');
  for (const [size, ms] of bySize) lines.push(`| ${size} | ${ms.length} | ${median(ms)} | ${ms.join(', ')} |`);
  const [small, large] = bySize;
  if (small && large && large[0] !== small[0]) {
    const x = median(large[1]) / median(small[1]);
    lines.push('', `Write at ${large[0]} partners vs ${small[0]}: ${x.toFixed(1)}× (target ≤ 3×): ${mark(x <= 3)}`);
  }
  return [...lines, ''];
}
