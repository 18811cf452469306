// Every route with a record id in its path (read from the router) answers 404 to a malformed id and
// to an unknown well-formed ObjectId (never 500, never a form error), and changes nothing.
import { expect } from 'chai';
import type { Express } from 'express';
import { csrfFrom, makeApp, signIn } from '../../helpers/app.js';
import { clearDatabase } from '../../helpers/db.js';
import { fillPath, isIdParam, listRoutes, routeKey, STATE_CHANGING, type RouteInfo } from '../../helpers/routes.js';
import { MALFORMED_IDS, sampleFor, seedWorld, send, snapshot, UNKNOWN_ID, type World } from './world.js';

describe('security: ids in paths', function () {
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

  /** Requests every variant as an administrator (so role checks pass), with a valid token; returns the failures. */
  async function probe(variants: (r: RouteInfo) => { label: string; url: string }[], expectStatus: (r: RouteInfo) => number | 'no5xx') {
    const agent = await signIn(app, world.admin);
    const failures: string[] = [];
    const before = await snapshot();
    for (const r of routes) {
      for (const { label, url } of variants(r)) {
        const fields = STATE_CHANGING.has(r.method) ? { _csrf: await csrfFrom(agent, '/profile') } : null;
        const res = await send(agent, r.method, url, fields);
        const want = expectStatus(r);
        if (want === 'no5xx' ? res.status >= 500 : res.status !== want) failures.push(`${routeKey(r)} ${label} (${url}) → ${res.status}`);
      }
    }
    return { failures, changed: (await snapshot()) !== before };
  }

  it('routes that take ids are found (and new ones will be)', () => {
    const withIds = routes.filter((r) => r.params.some(isIdParam));
    expect(withIds.length).to.be.greaterThan(40);
    expect(withIds.map(routeKey)).to.include.members([
      'GET /partners/:id',
      'POST /partners/:id/contacts/:contactId/remove',
      'GET /meetings/:id.ics',
    ]);
  });

  it('an unknown well-formed ObjectId answers 404 on every such route, whatever the form holds', async () => {
    const { failures, changed } = await probe(
      (r) =>
        r.params.some(isIdParam)
          ? [{ label: 'unknown ids', url: fillPath(r.path, (n) => (isIdParam(n) ? UNKNOWN_ID : sampleFor(n))) }]
          : [],
      () => 404,
    );
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(changed, 'the database changed').to.equal(false);
  });

  it('a malformed id in any one id param answers 404 on every such route', async () => {
    const { failures, changed } = await probe(
      (r) =>
        r.params.filter(isIdParam).flatMap((bad) =>
          MALFORMED_IDS.map((value) => ({
            label: `:${bad}=${value}`,
            url: fillPath(r.path, (n) => (n === bad ? value : isIdParam(n) ? UNKNOWN_ID : sampleFor(n))),
          })),
        ),
      () => 404,
    );
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(changed, 'the database changed').to.equal(false);
  });

  it('an unknown sub-record id under a real record answers 404 too (contact, resource, KPI, version, share link)', async () => {
    const agent = await signIn(app, world.admin);
    const before = await snapshot();
    const p = world.partnerId;
    const a = world.agreementId;
    const cases: [string, string][] = [
      ['POST', `/partners/${p}/contacts/${UNKNOWN_ID}`],
      ['POST', `/partners/${p}/contacts/${UNKNOWN_ID}/remove`],
      ['POST', `/partners/${p}/resources/${UNKNOWN_ID}/remove`],
      ['POST', `/partners/${p}/contacts/not-an-id`],
      ['POST', `/agreements/${a}/kpis/${UNKNOWN_ID}/measurements`],
      ['GET', `/agreements/${a}/versions/${UNKNOWN_ID}`],
      ['POST', `/agreements/${a}/share/${UNKNOWN_ID}/revoke`],
      ['GET', `/agreements/${a}/edit/no-such-element`],
    ];
    for (const [method, url] of cases) {
      const res = await send(
        agent,
        method,
        url,
        method === 'POST' ? { _csrf: await csrfFrom(agent, '/profile'), name: 'X', value: '3', periodEnd: '2026-01-01' } : null,
      );
      expect(res.status, `${method} ${url}`).to.equal(404);
    }
    expect(await snapshot()).to.equal(before);
  });

  it('params that are not ids (tokens, element and block names) never cause a 500 whatever they hold', async () => {
    const garbage = ['x', '{"$gt":""}', "'; return true; var x='", '%00', 'a'.repeat(2000), '..%2F..%2Fetc%2Fpasswd'];
    const { failures } = await probe(
      (r) =>
        r.params
          .filter((p) => !isIdParam(p))
          .flatMap((p) =>
            garbage.map((g) => ({
              label: `:${p}=${g.slice(0, 20)}`,
              url: fillPath(r.path, (n) => (n === p ? g : isIdParam(n) ? UNKNOWN_ID : sampleFor(n))),
            })),
          ),
      () => 'no5xx',
    );
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });
});
