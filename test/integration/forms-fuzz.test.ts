import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { csrfFrom, makeApp, signIn, type Agent } from '../helpers/app.js';
import { crawl, defaultsOf, formsOf, pageProblems, type FoundForm } from '../helpers/crawl.js';
import { clearDatabase } from '../helpers/db.js';
import { buildPortfolio, type Portfolio } from '../helpers/portfolio.js';
import { listRoutes, type RouteInfo } from '../helpers/routes.js';

// Every POST form of the app, found on the pages themselves (a crawl as an administrator, and the
// pages of people without an account), submitted empty, with each field far too long, with letters
// where a number, a date or an id is expected, and with a field repeated where one value is
// expected: the answer is a 4xx or a redirect, never a 5xx, and a 422 keeps what the user typed.
const LONG = 'x'.repeat(100_000);
const WRONG = 'Zq9abc';
// Routes whose form no page shows (said why): tried at a real URL, with the fields of a like form.
const withoutForm: Record<string, { why: string; url: (p: Portfolio) => string; like?: string }> = {
  'POST /setup': { why: 'the first-run form is shown only before the first administrator exists', url: () => '/setup' },
  'POST /partners/:id/contacts/:contactId': {
    why: 'no page has an edit form for a contact yet',
    url: (p) => p.contactUrl,
    like: 'POST /partners/:id/contacts',
  },
  'POST /followup-requests/:id/revoke': {
    why: 'no page offers the withdrawal of a follow-up link yet',
    url: (p) => `/followup-requests/${p.followUpRequestId}/revoke`,
  },
};
// A POST that answers 200 with a page of its own when it succeeds (no redirect to follow).
const rendersOnSuccess = new Set([
  'POST /calendar/feed',
  'POST /agreements/:id/share',
  'POST /p/rsvp/:token',
  'POST /p/optout/:token',
  'POST /p/followup/:token',
]);
// Routes that end the session or remove the record last: fuzzed after the others.
const destructive = /\/(logout|delete|remove|archive|deactivate|cancel|revoke|run)$/;
const keptKinds = new Set(['text', 'textarea', 'email', 'url', 'tel', 'search', 'number', 'date', 'time']);

type Pairs = [string, string][];
interface Variant {
  label: string;
  pairs: Pairs;
  /** The field sent several times (its input cannot be "kept" as one value). */
  repeated?: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);

const patternOf = (path: string) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([A-Za-z_]+)/g, '[^/]+')}$`);

/** The first route (in the app's order, as express matches) a form posts to. */
function routeOf(form: FoundForm, routes: RouteInfo[]): RouteInfo | undefined {
  const path = form.action.split('?')[0]!;
  return routes.find((r) => r.method === 'POST' && patternOf(r.path).test(path));
}

/** Forms that differ by their fields or fixed choices (not by ids or tokens) are tried each. */
const signatureOf = (f: FoundForm) =>
  f.fields
    .filter((x) => x.name !== '_csrf' && x.name !== 'rev')
    .map((x) => `${x.name}:${x.kind}:${x.kind === 'hidden' ? x.value.replace(/[a-f0-9]{24}/g, 'ID') : ''}`)
    .join('|');

function variantsOf(form: FoundForm): Variant[] {
  const defaults = defaultsOf(form).filter(([n]) => n !== '_csrf');
  const fields = form.fields.filter((f) => f.name !== '_csrf' && f.kind !== 'file');
  const names = [...new Set(fields.map((f) => f.name))];
  // Only the first input of a name changes (rows of repeated inputs keep the others).
  const withFirst = (name: string, value: string): Pairs => {
    let done = false;
    const out: Pairs = defaults.map(([n, v]): [string, string] => {
      if (n !== name || done) return [n, v];
      done = true;
      return [n, value];
    });
    return done ? out : [...out, [name, value]];
  };
  const blank: Pairs = [];
  const ticked = new Set<string>();
  for (const f of fields) {
    if (f.kind === 'checkbox' || f.kind === 'radio') {
      // One box of a group ticked: a single value where the group usually sends a list.
      if (!ticked.has(f.name)) blank.push([f.name, f.value]);
      ticked.add(f.name);
    } else blank.push([f.name, f.kind === 'select' ? f.value : '']);
  }
  const list: Variant[] = [
    { label: 'nothing', pairs: [] },
    { label: 'every field blank, one box of each group ticked', pairs: blank },
  ];
  for (const name of names) {
    const f = fields.find((x) => x.name === name)!;
    list.push({ label: `${name} too long`, pairs: withFirst(name, LONG) });
    list.push({ label: `${name} letters`, pairs: withFirst(name, WRONG) });
    if (f.kind === 'date' || /date/i.test(name)) list.push({ label: `${name} 30 February`, pairs: withFirst(name, '2026-02-30') });
    if (f.kind === 'number' || f.inputmode) list.push({ label: `${name} huge`, pairs: withFirst(name, '-1e400') });
    if (f.kind === 'hidden' || f.kind === 'select')
      list.push({ label: `${name} bad id`, pairs: withFirst(name, '0123456789abcdef0123456z') });
    const value = defaults.find(([n]) => n === name)?.[1] ?? f.value;
    list.push({
      label: `${name} repeated`,
      pairs: [...defaults.filter(([n]) => n !== name), [name, value], [name, value]],
      repeated: name,
    });
  }
  list.push({ label: 'every field repeated', pairs: defaults.flatMap((p) => [p, p]), repeated: '*' });
  list.push({ label: 'as the page left it', pairs: defaults });
  return list;
}

function send(agent: Agent, form: FoundForm, url: string, pairs: Pairs, csrf: string) {
  const all: Pairs = [...pairs, ['_csrf', csrf]];
  if (!form.multipart) return agent.post(url).type('form').send(new URLSearchParams(all).toString()).redirects(0);
  let req = agent.post(url).redirects(0);
  for (const [n, v] of all) req = req.field(n, v);
  return req;
}

/** What a 422 page lost of the user's input (text they typed that the re-rendered form does not show). */
function lostInput(form: FoundForm, v: Variant, html: string): string[] {
  const kinds = new Map(form.fields.map((f) => [f.name, f.kind]));
  return v.pairs
    .filter(([n, value]) => value && v.repeated !== n && v.repeated !== '*' && keptKinds.has(kinds.get(n) ?? ''))
    .filter(([, value]) => !html.includes(escapeHtml(value)))
    .map(([n, value]) => `${n}=${value.length > 20 ? `${value.slice(0, 12)}…(${value.length})` : value}`);
}

describe('forms: every POST form, fuzzed, never answers 500', function () {
  this.timeout(240_000);
  let app: Express;
  let portfolio: Portfolio;
  let routes: RouteInfo[];
  // Each form with the kind of visitor whose page showed it (signed in or not).
  const byRoute = new Map<string, (FoundForm & { signedIn: boolean })[]>();
  const synthesized = new Set<string>();

  before(async () => {
    app = await makeApp();
    await clearDatabase();
    portfolio = await buildPortfolio();
    routes = listRoutes(app).filter((r) => r.method === 'POST');
    const admin = await signIn(app, portfolio.admin);
    const signedIn = await crawl(admin, portfolio.memberPages, { max: 250, perShape: 2 });
    const anonymous = await crawl(supertest.agent(app), portfolio.publicPages, { max: 40, perShape: 2 });
    for (const [forms, signedInVisitor] of [
      [signedIn.forms, true],
      [anonymous.forms, false],
    ] as const) {
      for (const form of forms.filter((f) => f.method === 'POST')) {
        const route = routeOf(form, routes);
        if (!route) continue;
        const key = `${route.method} ${route.path}`;
        const list = byRoute.get(key) ?? [];
        if (!list.some((f) => signatureOf(f) === signatureOf(form))) list.push({ ...form, signedIn: signedInVisitor });
        byRoute.set(key, list);
      }
    }
    for (const [key, { url, like }] of Object.entries(withoutForm)) {
      const route = routes.find((r) => `${r.method} ${r.path}` === key);
      if (!route || byRoute.has(key)) continue;
      const fields = like ? (byRoute.get(like)?.[0]?.fields ?? []) : [];
      const page = route.public ? '/login' : '/profile';
      byRoute.set(key, [{ page, action: url(portfolio), method: 'POST', multipart: false, fields, signedIn: !route.public }]);
      synthesized.add(key);
    }
  });

  it('finds a form on the pages for every POST route (but the listed ones)', () => {
    const missing = routes
      .map((r) => `${r.method} ${r.path}`)
      .filter((k) => !byRoute.has(k) || (synthesized.has(k) && !(k in withoutForm)));
    expect(missing).to.deep.equal([]);
    expect(byRoute.size).to.be.greaterThan(30);
  });

  it('empty, too long, wrong types, repeated fields: a 3xx or 4xx, never 5xx; a 422 keeps the input', async () => {
    const failures: string[] = [];
    let requests = 0;
    const timings: string[] = [];
    const order = [...byRoute.keys()].sort((a, b) => Number(destructive.test(a)) - Number(destructive.test(b)));
    for (const key of order) {
      const _route = routes.find((r) => `${r.method} ${r.path}` === key)!;
      for (const crawled of byRoute.get(key)!) {
        const t0 = Date.now();
        const before = requests;
        // A new session for each form: a form that signs out or changes the user spoils no other.
        const agent = crawled.signedIn ? await signIn(app, portfolio.admin) : supertest.agent(app);
        // The page read again in this session: current revision numbers and this session's token.
        const page = await agent.get(crawled.page);
        const form =
          formsOf(page.text, crawled.page).find((f) => f.action === crawled.action && signatureOf(f) === signatureOf(crawled)) ?? crawled;
        const csrf =
          /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? (await csrfFrom(agent, crawled.signedIn ? '/profile' : '/login'));
        for (const v of variantsOf(form)) {
          const res = await send(agent, form, form.action, v.pairs, csrf);
          requests += 1;
          const where = `${key} [${form.action}] ${v.label}`;
          const success = res.status < 300 && rendersOnSuccess.has(key);
          if (res.status >= 500 || (res.status < 300 && !success)) failures.push(`${where} → ${res.status}`);
          else
            failures.push(
              ...pageProblems({ url: where, status: res.status, type: String(res.headers['content-type'] ?? ''), text: res.text ?? '' }),
            );
          if (res.status === 422) {
            const lost = lostInput(form, v, res.text);
            if (lost.length) failures.push(`${where} → 422 without the input ${lost.join(', ')}`);
          }
        }
        timings.push(`${Date.now() - t0} ms ${requests - before} req ${key} ${crawled.action}`);
      }
    }
    if (process.env.FUZZ_DEBUG) {
      const fs = await import('node:fs');
      fs.writeFileSync('/tmp/fuzz-failures.txt', `${failures.join('\n')}\n${timings.join('\n')}\n`);
    }
    expect(requests).to.be.greaterThan(300);
    expect(failures).to.deep.equal([]);
  });
});
