// Writes through the server's own forms, as a signed-in administrator: a CSV import (upload,
// preview and mapping, start, wait for the end) and single partners created from the form. Each id is
// added to `writes` as soon as it is known, so the clean-up (db.ts) finds it even after a failure.
import type { BenchWrites } from './db.js';
import { csrfOf, redirectOf, type Session } from './http.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lastSegment = (url: string) => url.split('/').pop()!;

/** The column mapping the preview page shows selected (the automatic one), as its form posts it. */
function mappingOf(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<select id="(col\d+)" name="col\d+">(.*?)<\/select>/gs))
    fields[m[1]!] = /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? '';
  if (!Object.keys(fields).length) throw new Error('no column mapping on the import preview');
  return fields;
}

/** Imports `rows` new partners (unique names) through /partners/import; resolves with the seconds from upload to done. */
export async function importThroughUi(s: Session, rows: number, writes: BenchWrites): Promise<number> {
  const tag = `Bench import ${Date.now()}`;
  const lines = ['name,type,region,contact_name,contact_email'];
  for (let i = 0; i < rows; i++) lines.push(`${tag} organisme ${i},community,Montréal,Personne ${i},p${i}@bench-import.example`);
  const form = new FormData();
  form.set('file', new Blob([lines.join('\n')], { type: 'text/csv' }), 'bench-import.csv');
  const t0 = performance.now();
  const preview = await redirectOf(await s.post('/partners/import', form, '/partners/import'), 'import upload');
  writes.importIds.push(lastSegment(preview));
  // Applying the mapping the page proposes, as a user checking it would; then start.
  await redirectOf(await s.post(`${preview}/mapping`, mappingOf(await s.html(preview)), preview), 'import mapping');
  await redirectOf(await s.post(`${preview}/run`, {}, preview), 'import start');
  const end = Date.now() + 15 * 60_000;
  while (Date.now() < end) {
    const page = await s.html(preview);
    if (page.includes('href="/partners?sort=-updated"')) return (performance.now() - t0) / 1000; // the "see them" link of a finished import
    if (!page.includes('<progress')) throw new Error('the import stopped without finishing (failed or interrupted)');
    await sleep(1000);
  }
  throw new Error('the import did not finish in 15 minutes');
}

/** The owner the new-partner form proposes (the signed-in user). */
function proposedOwner(html: string): string {
  const select = /name="ownerId"[^>]*>(.*?)<\/select>/s.exec(html)?.[1] ?? '';
  const m = /<option value="([a-f0-9]{24})"\s+selected>/.exec(select);
  if (!m) throw new Error('no owner proposed on /partners/new');
  return m[1]!;
}

/** Creates `n` partners from the form, one after another; resolves with each POST's milliseconds (to its redirect). */
export async function timeCreates(s: Session, n: number, writes: BenchWrites): Promise<number[]> {
  const ms: number[] = [];
  const tag = `Bench write ${Date.now()}`;
  for (let i = 0; i < n; i++) {
    const form = await s.html('/partners/new');
    const fields = { name: `${tag} ${i}`, type: 'community', ownerId: proposedOwner(form), priority: 'medium' };
    const t0 = performance.now();
    const location = await redirectOf(await s.submit('/partners', fields, csrfOf(form, '/partners/new')), 'create partner');
    ms.push(Math.round(performance.now() - t0));
    writes.partnerIds.push(lastSegment(location));
  }
  return ms;
}
