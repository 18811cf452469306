// Step 7: the manager reads the steering dashboard. Every figure is a link to the records it counts;
// each one is followed, and the list behind it must hold exactly that many records, the right ones.
import { expect } from 'chai';
import { parse } from 'node-html-parser';
import { rawKey, readPage, signIn, type Journey } from '../journey.js';
import type { Recorded } from './follow-up.js';

export interface FigureRows {
  href: string;
  figure: number;
  /** The first two cells of each row listed. */
  rows: [string, string][];
  /** Where each row's link leads (the record's page). */
  links: string[];
}

/**
 * Each figure link of the dashboard (block, key) with the figure it shows and, for those `follow`
 * selects (all by default), the rows its click-through lists.
 */
export async function dashboardFigures(j: Journey, follow: (name: string) => boolean = () => true): Promise<Map<string, FigureRows>> {
  const { page } = j;
  await page.goto(`${j.url}/dashboard`);
  await page.getByRole('heading', { level: 1, name: j.w.dashboardTitle }).waitFor();
  await readPage(j);
  const links = await page
    .locator('main a[href^="/dashboard/rows/"]:not([href*=".csv"])')
    .evaluateAll((as: { getAttribute(name: string): string | null; textContent: string | null }[]) =>
      as.map((a) => ({ href: a.getAttribute('href')!, text: a.textContent ?? '' })),
    );
  const out = new Map<string, FigureRows>();
  for (const { href, text } of links) {
    const m = /\d+/.exec(text.replace(/[\s\u00a0\u202f]/g, ''));
    expect(m, `the figure of ${href} ("${text}")`).to.not.equal(null);
    const url = new URL(href, j.url);
    const name = `${url.pathname.split('/').pop()}${url.searchParams.get('key') ? `:${url.searchParams.get('key')}` : ''}`;
    const figure = Number(m![0]);
    if (out.has(name)) expect(figure, `${name} shown twice`).to.equal(out.get(name)!.figure);
    else out.set(name, { href, figure, rows: [], links: [] });
  }
  // The list behind each figure, read in the manager's session, a few at a time.
  const followed = [...out.entries()].filter(([name]) => follow(name));
  for (let i = 0; i < followed.length; i += 4) await Promise.all(followed.slice(i, i + 4).map(([name, f]) => clickThrough(j, name, f)));
  return out;
}

async function clickThrough(j: Journey, name: string, f: FigureRows): Promise<void> {
  const res = await j.page.request.get(new URL(f.href, j.url).toString());
  expect(res.status(), f.href).to.equal(200);
  const doc = parse(await res.text());
  expect(doc.querySelector('html')!.getAttribute('lang'), f.href).to.equal(j.lang);
  const body = doc.querySelector('main')!.textContent;
  expect(body, `${f.href}: raw key`).to.not.match(rawKey);
  expect(body, f.href).to.not.contain('{{');
  const total = Number(doc.querySelector('[data-total]')!.getAttribute('data-total'));
  const trs = doc.querySelectorAll('table.dash-rows tbody tr');
  f.rows = trs
    .map((tr) => tr.querySelectorAll('td').map((td) => td.textContent.trim()))
    .map((cells): [string, string] => [cells[0] ?? '', cells[1] ?? '']);
  f.links = trs.map((tr) => tr.querySelector('td a')?.getAttribute('href') ?? '');
  expect(total, `${name}: the list's total is the figure`).to.equal(f.figure);
  expect(f.rows, `${name}: the rows listed`).to.have.length(f.figure);
}

/** The dashboard after the progress check: what the journey created, counted where it belongs. */
export async function dashboardShowsTheJourney(j: Journey, recorded: Recorded): Promise<Map<string, FigureRows>> {
  const { page, w } = j;
  await signIn(j, j.manager);
  await page.locator('nav.main-nav').getByRole('link', { name: w.navDashboard, exact: true }).click();
  const figures = await dashboardFigures(j);
  const fig = (name: string) => figures.get(name)?.figure ?? -1;
  const firsts = (name: string) => figures.get(name)!.rows.map((r) => r[0]);

  expect(fig('status'), 'agreements in all').to.equal(1);
  expect(fig('status:active')).to.equal(1);
  expect(firsts('status:active')).to.deep.equal([j.agreementTitle]);
  for (const s of ['draft', 'in_review', 'expired', 'terminated', 'renewed']) expect(fig(`status:${s}`), s).to.equal(0);
  // It ends in 75 days: within 90, not within 60 or 30.
  expect([fig('ending:30'), fig('ending:60'), fig('ending:90')]).to.deep.equal([0, 0, 1]);
  expect(fig('stage'), 'partners in all').to.equal(1);
  expect(firsts('stage')).to.deep.equal([j.partner]);
  // Each KPI under the status the agreement's page showed, with the value the professional recorded.
  expect(fig('kpis')).to.equal(2);
  for (const k of recorded.kpis) {
    expect(
      figures.get(`kpis:${k.status}`)!.rows.map((r) => r[1]),
      k.name,
    ).to.include(k.name);
    const worst = page.locator('#attainment tbody tr', { hasText: k.name });
    expect(await worst.locator('td').nth(2).innerText(), k.name).to.equal(String(k.value));
  }
  const counted = ['on_track', 'at_risk', 'off_track', 'no_data'].map((s) => fig(`kpis:${s}`));
  expect(counted.reduce((a, b) => a + b)).to.equal(2);
  // The check is recorded: nothing overdue; the next meeting is weeks away.
  expect([fig('checks'), fig('tasks'), fig('meetings')]).to.deep.equal([0, 0, 0]);
  expect(fig('health')).to.equal(1);
  expect(await page.locator('[data-figure="health-average"]').innerText()).to.match(new RegExp(`^${recorded.health}([.,]0)?$`));
  expect(figures.get('health')!.rows.map((r) => r[0])).to.deep.equal([j.agreementTitle]);
  expect(fig('diversity:community')).to.equal(1);
  expect(await page.locator('#diversity').innerText()).to.contain(w.typesCovered);
  expect(fig('funding:CAD')).to.equal(1);
  const mastery = [...figures.keys()].filter((k) => k.startsWith('mastery:'));
  expect(mastery.map((k) => fig(k))).to.deep.equal([1]);
  expect(firsts(mastery[0]!)).to.deep.equal([j.agreementTitle]);

  // One click-through in the browser, as the manager would: the agreements ending within 90 days.
  await page.locator('main a[data-figure="ending-90"]').click();
  await page.getByRole('heading', { level: 1, name: w.rowsEnding }).waitFor();
  expect(await readPage(j))
    .to.contain(j.agreementTitle)
    .and.contain(w.statuses.active);
  return figures;
}
