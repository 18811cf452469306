import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { createUser, csrfFrom, makeApp, signIn, type Agent } from '../../helpers/app.js';
import { clearDatabase, databaseSnapshot } from '../../helpers/db.js';
import { fillPath, listRoutes, paramsOf, type RouteInfo } from '../../helpers/routes.js';

// Every route, enumerated from the routers: sign-in required unless allow-listed, CSRF on every
// state change, and 404 (never 500) for a malformed or unknown id.
const publicAllowList =
  /^\/(favicon\.ico|healthz|setup|login|logout|forgot|language|reset\/:token|invite\/:token|calendar\/feed\/:token\.ics|shared\/:token(\/documents\/:docId)?|p\/(followup|optout|rsvp)\/:token|p\/review\/:token(\/(note|agree))?)$/;
// RFC 8058 one-click opt-out is POSTed by mail clients without a session: the signed link authorizes it.
const csrfExempt = new Set(['POST /p/optout/:token']);
const UNKNOWN_ID = '0123456789abcdef01234567';

describe('security: every route, from the router', function () {
  this.timeout(120_000);
  let app: Express;
  let routes: RouteInfo[];
  let admin: Agent;

  before(async () => {
    app = await makeApp();
    await clearDatabase();
    routes = listRoutes(app);
    admin = await signIn(app, await createUser({ role: 'admin' }));
  });

  it('finds the routes (sanity: the enumeration sees both public and member routers)', () => {
    expect(routes.filter((r) => r.public).length).to.be.greaterThan(10);
    expect(routes.filter((r) => !r.public).length).to.be.greaterThan(60);
    expect(routes.map((r) => `${r.method} ${r.path}`)).to.include('GET /partners/:id');
  });

  it('only allow-listed routes are public; every other one sends an anonymous visitor to sign in', async () => {
    const unexpected = routes.filter((r) => r.public && !publicAllowList.test(r.path)).map((r) => `${r.method} ${r.path}`);
    expect(unexpected, 'public routes outside the allow-list').to.deep.equal([]);
    const anonymous = supertest.agent(app);
    const _csrf = await csrfFrom(anonymous, '/login');
    const leaks: string[] = [];
    for (const r of routes.filter((x) => !x.public)) {
      const url = fillPath(r.path, () => UNKNOWN_ID);
      const res = r.method === 'GET' ? await anonymous.get(url) : await anonymous.post(url).type('form').send({ _csrf });
      const toLogin = res.status === 302 && res.headers.location === '/login';
      if (!(toLogin || res.status === 401)) leaks.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(leaks).to.deep.equal([]);
  });

  it('every state-changing route refuses a missing or wrong CSRF token (403) and changes nothing', async () => {
    const before = await databaseSnapshot('counts');
    const accepted: string[] = [];
    for (const r of routes.filter((x) => x.method !== 'GET' && !csrfExempt.has(`${x.method} ${x.path}`))) {
      const url = fillPath(r.path, () => UNKNOWN_ID);
      const missing = await admin.post(url).type('form').send({ name: 'x' });
      const wrong = await admin.post(url).type('form').send({ name: 'x', _csrf: 'not-the-token' });
      if (missing.status !== 403 || wrong.status !== 403) accepted.push(`${r.method} ${r.path} → ${missing.status}/${wrong.status}`);
    }
    expect(accepted).to.deep.equal([]);
    expect(await databaseSnapshot('counts')).to.equal(before);
  });

  it('every route with an id answers 404, never 500, to a malformed or an unknown id', async () => {
    const _csrf = await csrfFrom(admin, '/profile');
    const wrong: string[] = [];
    for (const r of routes.filter((x) => paramsOf(x.path).length && !x.public)) {
      for (const value of ['not-an-id', UNKNOWN_ID, '%24ne']) {
        const url = fillPath(r.path, () => value);
        const res = r.method === 'GET' ? await admin.get(url) : await admin.post(url).type('form').send({ _csrf });
        if (res.status !== 404) wrong.push(`${r.method} ${url} → ${res.status}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('public links with a made-up or malformed token answer a clear 404 page, never 500', async () => {
    const anonymous = supertest.agent(app);
    const _csrf = await csrfFrom(anonymous, '/login');
    const wrong: string[] = [];
    for (const r of routes.filter((x) => x.public && paramsOf(x.path).length)) {
      for (const value of ['x', 'a'.repeat(700), 'eyJhIjoxfQ.AAAA']) {
        const url = fillPath(r.path, () => value);
        const res = r.method === 'GET' ? await anonymous.get(url) : await anonymous.post(url).type('form').send({ _csrf });
        if (![404, 410].includes(res.status)) wrong.push(`${r.method} ${r.path} (${value.slice(0, 10)}) → ${res.status}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });
});
