// Every route the app registers, read from its router: each needs a signed-in user unless it is on
// the explicit allow-list below. A new public route fails this test until it is added here on purpose.
import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { createUser, csrfFrom, makeApp, signIn, type TestUser } from '../../helpers/app.js';
import { clearDatabase } from '../../helpers/db.js';
import { listRoutes, routeKey, STATE_CHANGING, type RouteInfo } from '../../helpers/routes.js';
import { realPath, seedWorld, send, snapshot, type World } from './world.js';

/** Routes anyone may reach without an account, and why. */
export const PUBLIC_ROUTES: Record<string, string> = {
  'GET /favicon.ico': 'static (redirect to /public)',
  'GET /healthz': 'health check',
  'GET /setup': 'first administrator (only while no account exists)',
  'POST /setup': 'first administrator (only while no account exists)',
  'GET /login': 'sign-in',
  'POST /login': 'sign-in',
  'POST /logout': 'sign-out (harmless without a session)',
  'GET /forgot': 'password reset request',
  'POST /forgot': 'password reset request',
  'GET /reset/:token': 'password reset link',
  'POST /reset/:token': 'password reset link',
  'GET /invite/:token': 'invitation link',
  'POST /invite/:token': 'invitation link',
  'POST /language': 'language switch for visitors',
  'GET /calendar/feed/:token.ics': 'calendar feed (secret token)',
  'GET /shared/:token': 'shared measurement (secret token)',
  'GET /p/followup/:token': 'partner link (signed)',
  'POST /p/followup/:token': 'partner link (signed)',
  'GET /p/optout/:token': 'partner opt-out link (signed)',
  'POST /p/optout/:token': 'partner one-click opt-out (signed)',
};

describe('security: every route needs a signed-in user, except the allow-list', function () {
  // Each test walks every route of the app: give it room on a busy machine.
  this.timeout(120_000);
  let app: Express;
  let routes: RouteInfo[];
  let world: World;
  before(async () => {
    app = await makeApp();
    routes = listRoutes(app);
  });
  beforeEach(async () => {
    await clearDatabase();
    world = await seedWorld();
  });

  it('the route list is read from the app itself (known routes of each feature are there)', () => {
    const keys = new Set(routes.map(routeKey));
    for (const k of [
      'GET /healthz',
      'POST /login',
      'GET /partners/:id',
      'POST /partners/import',
      'POST /agreements/:id/edit/:element',
      'GET /meetings/:id.ics',
      'POST /tasks/:id/status',
      'GET /dashboard/rows/:block',
      'POST /p/optout/:token',
      'POST /admin/outbox/:id/resend',
      'GET /admin/dev-mail/:id/html',
      'GET /agreements/:id/health',
    ])
      expect(keys, k).to.include(k);
    expect(routes.length).to.be.greaterThan(90);
  });

  it('every allow-listed route still exists (no stale entries widen the list)', () => {
    const keys = new Set(routes.map(routeKey));
    for (const k of Object.keys(PUBLIC_ROUTES)) expect(keys, `${k} is allow-listed but not registered`).to.include(k);
  });

  it('anonymous visitors are refused on every other route (pages redirect to sign-in, the rest get 401) and nothing changes', async () => {
    const anon = supertest.agent(app);
    const before = await snapshot();
    const failures: string[] = [];
    for (const r of routes) {
      if (PUBLIC_ROUTES[routeKey(r)]) continue;
      const url = realPath(world, r);
      // A state-changing request carries a valid token of the visitor's own session: refused for want of a user, not of a token.
      const fields = STATE_CHANGING.has(r.method) ? { _csrf: await csrfFrom(anon, '/login') } : null;
      const json = await send(anon, r.method, url, fields, 'application/json');
      if (json.status !== 401) failures.push(`${routeKey(r)} (${url}) → ${json.status} for an anonymous JSON client`);
      if (r.method === 'GET') {
        const html = await send(anon, r.method, url, null, 'text/html');
        if (html.status !== 302 || html.headers.location !== '/login')
          failures.push(`${routeKey(r)} → ${html.status} ${String(html.headers.location)} for an anonymous browser`);
      }
    }
    expect(
      failures,
      `routes reachable without an account (add them to PUBLIC_ROUTES only if meant):\n${failures.join('\n')}`,
    ).to.deep.equal([]);
    expect(await snapshot()).to.equal(before);
  });

  it('allow-listed routes answer an anonymous visitor without asking to sign in', async () => {
    const anon = supertest.agent(app);
    for (const r of routes.filter((x) => PUBLIC_ROUTES[routeKey(x)])) {
      const fields = STATE_CHANGING.has(r.method) ? { _csrf: await csrfFrom(anon, '/login') } : null;
      const res = await send(anon, r.method, realPath(world, r), fields, 'application/json');
      expect(res.status, routeKey(r)).to.not.equal(401);
      expect(res.status, routeKey(r)).to.be.lessThan(500);
    }
  });

  it('static files are public, and a signed-in session opens the member routes', async () => {
    expect((await supertest(app).get('/public/favicon.svg')).status).to.equal(200);
    const agent = await signIn(app, world.pro);
    expect((await agent.get('/partners')).status).to.equal(200);
    expect((await agent.get(`/partners/${world.partnerId}`)).status).to.equal(200);
  });

  it('administration routes refuse a professional (403) and change nothing', async () => {
    const pro: TestUser = world.pro;
    const agent = await signIn(app, pro);
    const before = await snapshot();
    const admin = routes.filter((r) => r.path.startsWith('/admin/'));
    expect(admin.length).to.be.greaterThan(10);
    for (const r of admin) {
      const fields = STATE_CHANGING.has(r.method) ? { _csrf: await csrfFrom(agent, '/profile') } : null;
      const res = await send(agent, r.method, realPath(world, r), fields);
      expect(res.status, routeKey(r)).to.equal(403);
    }
    expect(await snapshot()).to.equal(before);
    // The same routes open for an administrator (pages, at least).
    const adminAgent = await signIn(app, await createUser({ role: 'admin' }));
    for (const r of admin.filter((x) => x.method === 'GET' && !x.path.includes(':'))) {
      expect((await adminAgent.get(r.path)).status, routeKey(r)).to.equal(200);
    }
  });
});
