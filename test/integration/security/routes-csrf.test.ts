// Every state-changing route, read from the app's router, refuses a request without the session's
// CSRF token (missing, wrong, or another session's), with 403 and no change at all.
import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { csrfFrom, makeApp, signIn } from '../../helpers/app.js';
import { clearDatabase } from '../../helpers/db.js';
import { listRoutes, routeKey, STATE_CHANGING, type RouteInfo } from '../../helpers/routes.js';
import { PartnerImportModel } from '../../../src/partners/import.model.js';
import { PartnerModel } from '../../../src/partners/model.js';
import { realPath, seedWorld, send, snapshot, stillSignedIn, type World } from './world.js';

/** Posted without a token by design (RFC 8058 one-click unsubscribe from mail clients): the signed link is the authorization. */
const CSRF_EXEMPT = new Set(['POST /p/optout/:token']);

describe('security: CSRF on every state-changing route', function () {
  // Each test walks every route of the app: give it room on a busy machine.
  this.timeout(120_000);
  let app: Express;
  let routes: RouteInfo[];
  let world: World;
  before(async () => {
    app = await makeApp();
    routes = listRoutes(app).filter((r) => STATE_CHANGING.has(r.method));
  });
  beforeEach(async () => {
    await clearDatabase();
    world = await seedWorld();
  });

  it('finds the state-changing routes of every feature', () => {
    expect(routes.length).to.be.greaterThan(50);
    for (const k of CSRF_EXEMPT) expect(routes.map(routeKey)).to.include(k);
  });

  it('a signed-in administrator without a valid token gets 403 on each one, and nothing changes', async () => {
    let agent = await signIn(app, world.admin);
    const stranger = await signIn(app, world.pro); // a valid token, but of another session
    const foreign = await csrfFrom(stranger, '/profile');
    const failures: string[] = [];
    for (const r of routes) {
      if (CSRF_EXEMPT.has(routeKey(r))) continue;
      const url = realPath(world, r);
      agent = await stillSignedIn(app, agent, world.admin);
      const before = await snapshot();
      const attempts: [string, Record<string, string>, Record<string, string>][] = [
        ['missing', {}, {}],
        ['empty', { _csrf: '' }, {}],
        ['wrong', { _csrf: 'not-the-token' }, {}],
        ['foreign', { _csrf: foreign }, {}],
        ['wrong header', {}, { 'x-csrf-token': 'not-the-token' }],
      ];
      for (const [label, fields, headers] of attempts) {
        const res = await send(agent, r.method, url, fields, 'application/json').set(headers);
        if (res.status !== 403 || (res.body as { error?: string }).error !== 'errors:csrf')
          failures.push(`${routeKey(r)} with a ${label} token → ${res.status} ${JSON.stringify(res.body)}`);
      }
      if ((await snapshot()) !== before) failures.push(`${routeKey(r)}: the database changed`);
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });

  it('the same requests with the session token are not refused for CSRF (the 403 above is the token check)', async () => {
    let agent = await signIn(app, world.admin);
    for (const r of routes) {
      agent = await stillSignedIn(app, agent, world.admin);
      const _csrf = await csrfFrom(agent, '/profile');
      const res = await send(agent, r.method, realPath(world, r), { _csrf }, 'application/json');
      expect((res.body as { error?: string }).error, routeKey(r)).to.not.equal('errors:csrf');
      expect(res.status, routeKey(r)).to.be.lessThan(500);
    }
  });

  it('the token is also required on the multipart CSV upload (checked after the file is parsed)', async () => {
    const agent = await signIn(app, world.pro);
    const csv = 'name,type\nÉcole Test,school\n';
    const without = await agent.post('/partners/import').attach('file', Buffer.from(csv), 'p.csv');
    expect(without.status).to.equal(403);
    const wrong = await agent.post('/partners/import').field('_csrf', 'nope').attach('file', Buffer.from(csv), 'p.csv');
    expect(wrong.status).to.equal(403);
    expect(await PartnerImportModel.countDocuments()).to.equal(0);
    const _csrf = await csrfFrom(agent, '/partners/import');
    const ok = await agent.post('/partners/import').field('_csrf', _csrf).attach('file', Buffer.from(csv), 'p.csv');
    expect(ok.status).to.equal(302);
    expect(await PartnerImportModel.countDocuments()).to.equal(1);
  });

  it('sign-in itself needs the token (no login CSRF), and an anonymous visitor’s token does not open a member’s session', async () => {
    const anon = supertest.agent(app);
    await anon.get('/login');
    const res = await anon.post('/login').type('form').send({ email: world.pro.email, password: 'correct-horse-battery' });
    expect(res.status).to.equal(403);
    expect((await anon.get('/partners')).status).to.equal(302);
    const member = await signIn(app, world.pro);
    const anonToken = await csrfFrom(anon, '/login');
    const attempt = await member.post(`/partners/${world.partnerId}/archive`).type('form').send({ _csrf: anonToken });
    expect(attempt.status).to.equal(403);
    expect((await PartnerModel.findById(world.partnerId).lean())!.archived).to.equal(false);
  });
});
