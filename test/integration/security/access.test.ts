// Object-level access: a professional cannot change another professional's partner, agreement,
// meeting or task by posting directly (403, nothing changed), and a partner link opens and answers
// only its own request.
import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { csrfFrom, makeApp, signIn } from '../../helpers/app.js';
import { clearDatabase } from '../../helpers/db.js';
import { listRoutes, routeKey, type RouteInfo } from '../../helpers/routes.js';
import { AgreementModel } from '../../../src/agreements/model.js';
import { PartnerModel } from '../../../src/partners/model.js';
import { derivedFields } from '../../../src/partners/service.js';
import { FollowUpRequestModel, FollowUpResponseModel } from '../../../src/reminders/followup-response.model.js';
import { expIn, signLink } from '../../../src/reminders/links.js';
import { elements } from '../../../src/agreements/constants.js';
import { realPath, seedWorld, send, snapshot, type World } from './world.js';

/** Routes that change one record named in the path. */
const RECORD_ROUTE = /^\/(partners|agreements|meetings|tasks|followup-requests)\/:id(\/|$)/;

/** A body each route would accept from someone allowed (so a refusal is about the person, not the form). */
function bodyFor(w: World, key: string): Record<string, string> | undefined {
  const bodies: Record<string, Record<string, string>> = {
    'POST /partners/:id': { name: 'Taken over', type: 'community', ownerId: String(w.pro._id), rev: '0' },
    'POST /partners/:id/stage': { stage: 'contacted', reason: '' },
    'POST /partners/:id/exploration': { interestConfirmedAt: '', interestHow: 'Taken over', sharedGoals: 'Taken over' },
    'POST /partners/:id/contacts': { name: 'Intruder', email: 'intruder@example.org', locale: 'en' },
    'POST /partners/:id/contacts/:contactId': { name: 'Renamed', email: 'renamed@example.org', locale: 'en' },
    'POST /partners/:id/contacts/:contactId/remove': {},
    'POST /partners/:id/resources': { category: 'material', description: 'Taken over' },
    'POST /partners/:id/resources/:resourceId/remove': {},
    'POST /partners/:id/interactions': { kind: 'call', date: '2026-01-01', summary: 'Taken over' },
    'POST /partners/:id/archive': {},
    'POST /partners/:id/restore': {},
    'POST /partners/:id/delete': {},
    'POST /partners/:id/apply-template': { templateId: w.templateId },
    'POST /agreements/:id/edit/:element': { title: 'Taken over', rev: '0' },
    'POST /agreements/:id/transition': { action: 'submit', comment: 'Taken over' },
    'POST /agreements/:id/kpis/:kpiId/measurements': { value: '5', periodEnd: '2026-01-01', comment: 'Taken over' },
    'POST /agreements/:id/share': {},
    'POST /agreements/:id/share/:linkId/revoke': {},
    'POST /agreements/:id/progress': { periodStart: '2026-01-01', periodEnd: '2026-03-01', status: 'on_track' },
    'POST /meetings/:id/minutes': { agenda: 'Taken over', minutes: 'Taken over', decisions: '' },
    'POST /meetings/:id/action-items': { itemTitle: 'Taken over', itemOwnerId: String(w.other._id), itemDueDate: '' },
    'POST /meetings/:id/occurrence': { title: 'Taken over', date: '2030-01-07', time: '10:00', durationMinutes: '60', scope: 'one' },
    'POST /meetings/:id/cancel': {},
    'POST /tasks/:id/status': { status: 'done' },
    'POST /followup-requests/:id/revoke': {},
  };
  return bodies[key];
}

/** Only administrators may do these at all (so the owner's control request is refused too). */
const ADMIN_ONLY = new Set(['POST /partners/:id/delete']);

describe('security: object-level access', function () {
  // Each test walks every route of the app: give it room on a busy machine.
  this.timeout(120_000);
  let app: Express;
  let routes: RouteInfo[];
  let world: World;
  before(async () => {
    app = await makeApp();
    routes = listRoutes(app).filter((r) => r.method !== 'GET' && RECORD_ROUTE.test(r.path));
  });
  beforeEach(async () => {
    await clearDatabase();
    world = await seedWorld();
  });

  it('every route that changes a partner, agreement, meeting, task or follow-up request has a body here (new ones too)', () => {
    expect(routes.length).to.be.greaterThan(20);
    const missing = routes.filter((r) => !bodyFor(world, routeKey(r))).map(routeKey);
    expect(missing, 'add a valid body for these routes to access.test.ts').to.deep.equal([]);
  });

  it('another professional gets 403 on each one, and nothing changes', async () => {
    const intruder = await signIn(app, world.other);
    const before = await snapshot();
    const failures: string[] = [];
    for (const r of routes) {
      const _csrf = await csrfFrom(intruder, '/profile');
      const res = await send(intruder, r.method, realPath(world, r), { ...bodyFor(world, routeKey(r)), _csrf });
      if (res.status !== 403) failures.push(`${routeKey(r)} → ${res.status} ${String(res.headers.location ?? '')}`);
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(await snapshot()).to.equal(before);
  });

  it('each agreement element, and each transition, is refused to another professional', async () => {
    const intruder = await signIn(app, world.other);
    const before = await snapshot();
    for (const e of ['basics', ...elements]) {
      const _csrf = await csrfFrom(intruder, '/profile');
      const res = await intruder
        .post(`/agreements/${world.agreementId}/edit/${e}`)
        .type('form')
        .send({ _csrf, rev: '0', purpose: 'Taken over', title: 'Taken over' });
      expect(res.status, e).to.equal(403);
    }
    for (const action of ['submit', 'approve', 'send_back', 'terminate', 'renew']) {
      const _csrf = await csrfFrom(intruder, '/profile');
      const res = await intruder.post(`/agreements/${world.agreementId}/transition`).type('form').send({ _csrf, action, reason: 'x' });
      expect(res.status, action).to.equal(403);
    }
    expect(await snapshot()).to.equal(before);
  });

  it('the owner passes the same checks with the same bodies (the 403 above is about the person)', async () => {
    const owner = await signIn(app, world.pro);
    for (const r of routes) {
      const _csrf = await csrfFrom(owner, '/profile');
      const res = await send(owner, r.method, realPath(world, r), { ...bodyFor(world, routeKey(r)), _csrf });
      if (ADMIN_ONLY.has(routeKey(r))) expect(res.status, routeKey(r)).to.equal(403);
      else {
        expect(res.status, routeKey(r)).to.not.equal(403);
        expect(res.status, routeKey(r)).to.be.lessThan(500);
      }
    }
    const p = await PartnerModel.findById(world.partnerId).lean();
    expect(p!.contacts.map((c) => c.name)).to.include('Intruder'); // the owner's own change went through
  });

  describe('partner links', () => {
    async function twoRequests() {
      const make = async (name: string, contact: string) => {
        const base = { name, website: '', contacts: [{ name: contact, email: `${contact}@example.org`, primary: true }], resources: [] };
        const p = await PartnerModel.create({ ...base, ...derivedFields(base), type: 'community', ownerId: world.pro._id });
        const a = await AgreementModel.create({
          title: `Entente ${name}`,
          partnerIds: [p._id],
          ownerId: world.pro._id,
          status: 'active',
          kpis: [{ name: `KPI ${name}`, baseline: 0, target: 10 }],
        });
        const contactId = String(p.contacts[0]!._id);
        const requestId = `${String(a._id)}.2026-02-01.${contactId}`;
        await FollowUpRequestModel.create({
          _id: requestId,
          agreementId: a._id,
          partnerId: p._id,
          contactId,
          dueAt: new Date(),
          expiresAt: new Date(Date.now() + 10 * 86400_000),
          kpiIds: [a.kpis[0]!._id],
          createdAt: new Date(),
        });
        return { p, a, contactId, requestId, partnerId: String(p._id) };
      };
      return { one: await make('Alpha', 'alice'), two: await make('Beta', 'bruno') };
    }
    const sign = (purpose: 'followup' | 'optout', contactId: string, requestId: string) =>
      signLink({ purpose, contactId, requestId, exp: expIn(new Date(), 5) });
    const answer = {
      health_trust: '4',
      health_communication: '4',
      health_sharedGoals: '4',
      health_roles: '4',
      health_mutualBenefit: '4',
      progress: 'ok',
    };

    it('a follow-up link shows and answers only its own request', async () => {
      const { one, two } = await twoRequests();
      const anon = supertest.agent(app);
      const tokenOne = sign('followup', one.contactId, one.requestId);
      const page = await anon.get(`/p/followup/${tokenOne}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Entente Alpha').and.include('KPI Alpha');
      expect(page.text).to.not.include('Entente Beta').and.not.include('KPI Beta');
      // A genuine signature over one contact and the other's request (or the reverse) opens nothing.
      const before = await snapshot();
      for (const forged of [sign('followup', one.contactId, two.requestId), sign('followup', two.contactId, one.requestId)]) {
        expect((await anon.get(`/p/followup/${forged}`)).status).to.equal(404);
        const _csrf = await csrfFrom(anon, `/p/followup/${tokenOne}`);
        expect(
          (
            await anon
              .post(`/p/followup/${forged}`)
              .type('form')
              .send({ ...answer, _csrf })
          ).status,
        ).to.equal(404);
      }
      // An opt-out link is not a follow-up link, and the reverse.
      expect((await anon.get(`/p/followup/${sign('optout', one.contactId, one.requestId)}`)).status).to.equal(404);
      expect((await anon.post(`/p/optout/${tokenOne}`)).status).to.equal(404);
      expect(await snapshot()).to.equal(before);
      // Answering with the first link records for the first request only; the second stays open.
      const _csrf = await csrfFrom(anon, `/p/followup/${tokenOne}`);
      expect(
        (
          await anon
            .post(`/p/followup/${tokenOne}`)
            .type('form')
            .send({ ...answer, _csrf })
        ).status,
      ).to.equal(200);
      const responses = await FollowUpResponseModel.find().lean();
      expect(responses.map((r) => r.requestId)).to.deep.equal([one.requestId]);
      expect((await FollowUpRequestModel.findById(two.requestId).lean())!.usedAt).to.equal(null);
      expect((await anon.get(`/p/followup/${sign('followup', two.contactId, two.requestId)}`)).status).to.equal(200);
      expect((await anon.get(`/p/followup/${tokenOne}`)).status).to.equal(410);
    });

    it('an opt-out link opts out its own contact only; a link naming another partner’s contact changes nothing', async () => {
      const { one, two } = await twoRequests();
      const before = await snapshot();
      for (const forged of [sign('optout', two.contactId, one.partnerId), sign('optout', one.contactId, two.partnerId)]) {
        expect((await supertest(app).post(`/p/optout/${forged}`)).status).to.equal(404);
      }
      expect(await snapshot()).to.equal(before);
      expect((await supertest(app).post(`/p/optout/${sign('optout', one.contactId, one.partnerId)}`)).status).to.equal(200);
      expect((await PartnerModel.findById(one.p._id).lean())!.contacts[0]!.optedOut).to.equal(true);
      expect((await PartnerModel.findById(two.p._id).lean())!.contacts[0]!.optedOut).to.not.equal(true);
    });

    it('another professional cannot withdraw someone else’s follow-up link', async () => {
      const intruder = await signIn(app, world.other);
      const _csrf = await csrfFrom(intruder, '/profile');
      const res = await intruder.post(`/followup-requests/${world.followUpRequestId}/revoke`).type('form').send({ _csrf });
      expect(res.status).to.equal(403);
      expect((await FollowUpRequestModel.findById(world.followUpRequestId).lean())!.revokedAt).to.equal(null);
    });
  });
});
