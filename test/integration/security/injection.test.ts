// Operator objects, arrays, regex metacharacters and very long strings in the query string and form
// fields of the lists, the search, sign-in and the partner links: read as literal text (or ignored),
// never as a query operator, and never a 500. The app parses query strings with Express's 'simple'
// parser (node:querystring) and forms with urlencoded extended:false: `q[$ne]=x` is a field literally
// named "q[$ne]", and a repeated field is an array; both are tested.
import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { createUser, csrfFrom, makeApp, PASSWORD, signIn, type Agent, type TestUser } from '../../helpers/app.js';
import { clearDatabase } from '../../helpers/db.js';
import { AgreementModel } from '../../../src/agreements/model.js';
import { PartnerModel } from '../../../src/partners/model.js';
import { derivedFields } from '../../../src/partners/service.js';
import { TaskModel } from '../../../src/tasks/model.js';
import { UserTokenModel } from '../../../src/users/tokens.model.js';
import { FollowUpRequestModel, FollowUpResponseModel } from '../../../src/reminders/followup-response.model.js';
import { ProgressCheckModel } from '../../../src/progress/model.js';
import { expIn, signLink } from '../../../src/reminders/links.js';
import { snapshot } from './world.js';

const LONG = 'a'.repeat(5000);
/** Values that must be read as text: JSON operators, $where, regex metacharacters, a very long string. */
const TEXT_PAYLOADS = ['{"$gt":""}', '{"$ne":null}', '$where', 'this.name', '.*', '^', '[a-z]+', '(', 'a|b', '\\', '*', LONG];

/** Query strings built by hand, so brackets and repeated keys reach the parser as a client would send them. */
function injections(field: string): string[] {
  const f = encodeURIComponent(field);
  return [
    `${f}[$ne]=x`,
    `${f}[$ne]=`,
    `${f}[$gt]=`,
    `${f}[$regex]=.*`,
    `${f}[$where]=1`,
    `${f}=a&${f}=b`,
    `${f}[]=a`,
    `${f}[0]=a&${f}[1]=b`,
    ...TEXT_PAYLOADS.map((p) => `${f}=${encodeURIComponent(p)}`),
  ];
}

async function partner(owner: TestUser, name: string, extra: Record<string, unknown> = {}) {
  const base = { name, website: '', contacts: [{ name: `${name} contact`, email: '', primary: true }], resources: [] };
  return PartnerModel.create({
    ...base,
    ...derivedFields(base),
    type: 'community',
    ownerId: owner._id,
    region: 'Laval',
    tags: ['jeunesse'],
    ...extra,
  });
}

const shown = (html: string, markers: string[]) => markers.filter((m) => html.includes(m));
const partnerNames = ['Alpha Quartz', 'Beta Quartz', 'Gamma (Quartz)'];

async function seedLists(owner: TestUser) {
  const ps = [];
  for (const n of partnerNames) ps.push(await partner(owner, n));
  await partner(owner, 'Delta Archived Quartz', { archived: true });
  for (const [i, p] of ps.entries())
    await AgreementModel.create({ title: `Entente Quartz ${i}`, partnerIds: [p._id], ownerId: owner._id, status: 'draft' });
  await TaskModel.create({ title: 'Tâche Quartz', ownerId: owner._id });
}

describe('security: injection in queries and forms', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
  });

  it('the partner search matches the literal text only: operators, regex metacharacters and long strings change nothing else', async () => {
    await seedLists(pro);
    const baseline = shown((await agent.get('/partners')).text, partnerNames);
    expect(baseline).to.deep.equal(partnerNames);
    // Literal text finds only the names that contain it (a regex or an operator would find everything).
    for (const p of TEXT_PAYLOADS) {
      const res = await agent.get(`/partners?q=${encodeURIComponent(p)}`);
      expect(res.status, p.slice(0, 30)).to.equal(200);
      const found = shown(res.text, partnerNames);
      if (p === LONG)
        expect(found, 'a too-long search is ignored, not interpreted').to.satisfy((f: string[]) => f.length === 0 || f.length === 3);
      else expect(found, p).to.deep.equal(partnerNames.filter((n) => n.toLowerCase().includes(p.toLowerCase())));
    }
    // Metacharacters that are part of a name find that name, literally.
    expect(shown((await agent.get(`/partners?q=${encodeURIComponent('(quartz)')}`)).text, partnerNames)).to.deep.equal(['Gamma (Quartz)']);
    expect(shown((await agent.get(`/partners?q=${encodeURIComponent('a (q')}`)).text, partnerNames)).to.deep.equal(['Gamma (Quartz)']);
    // Bracketed keys are other fields (ignored), arrays are not a search: at most the unfiltered list, never the archived one.
    for (const qs of injections('q').slice(0, 8)) {
      const res = await agent.get(`/partners?${qs}`);
      expect(res.status, qs).to.equal(200);
      expect(shown(res.text, [...partnerNames, 'Delta Archived Quartz']), qs).to.deep.equal(baseline);
    }
  });

  it('administrators’ lists (outbox, users, dev mail) take operators as text too', async () => {
    const admin = await signIn(app, await createUser({ role: 'admin' }));
    for (const [path, fields] of [
      ['/admin/outbox', ['state', 'kind', 'to', 'page']],
      ['/admin/users', ['page']],
      ['/admin/dev-mail', ['page']],
    ] as const) {
      for (const field of fields)
        for (const qs of injections(field)) expect((await admin.get(`${path}?${qs}`)).status, `${path}?${qs.slice(0, 40)}`).to.equal(200);
    }
  });

  it('sign-in: operators, arrays and long strings in the email or password never sign anyone in, never a 500', async () => {
    const before = await snapshot();
    const attempts: string[] = [
      'email[$ne]=x&password[$ne]=x',
      'email[$gt]=&password[$gt]=',
      `email=${encodeURIComponent(pro.email)}&password[$ne]=x`,
      `email=${encodeURIComponent(pro.email)}&password=a&password=${PASSWORD}`,
      `email=${encodeURIComponent(pro.email)}&email=other@example.org&password=${PASSWORD}`,
      `email[]=${encodeURIComponent(pro.email)}&password=${PASSWORD}`,
      `email=${encodeURIComponent('{"$gt":""}')}&password=${encodeURIComponent('{"$gt":""}')}`,
      `email=${encodeURIComponent('.*')}&password=x`,
      `email=${encodeURIComponent('$where')}&password=${encodeURIComponent('1 || true')}`,
      `email=${LONG}&password=${LONG}`,
      `email=${encodeURIComponent(pro.email)}&password=${LONG}`,
    ];
    for (const body of attempts) {
      const anon = supertest.agent(app);
      const _csrf = await csrfFrom(anon, '/login');
      const res = await anon
        .post('/login')
        .type('form')
        .send(`${body}&_csrf=${encodeURIComponent(_csrf)}`);
      expect(res.status, body.slice(0, 60)).to.be.oneOf([401, 422]);
      expect((await anon.get('/partners')).status, `still anonymous after ${body.slice(0, 60)}`).to.equal(302);
    }
    // Failed attempts were counted (the throttle saw them) but no account changed.
    const after = await snapshot();
    expect(after.replace(/loginfailures: .*/, '')).to.equal(before.replace(/loginfailures: .*/, ''));
    // The forgotten-password form: operators and arrays issue no link.
    for (const body of [
      'email[$ne]=x',
      `email=${encodeURIComponent(pro.email)}&email=x@example.org`,
      'email=' + encodeURIComponent('{"$gt":""}'),
    ]) {
      const anon = supertest.agent(app);
      const _csrf = await csrfFrom(anon, '/forgot');
      const res = await anon
        .post('/forgot')
        .type('form')
        .send(`${body}&_csrf=${encodeURIComponent(_csrf)}`);
      expect(res.status, body).to.equal(422);
    }
    expect(await UserTokenModel.countDocuments()).to.equal(0);
  });

  it('partner links: forged or operator-like tokens are refused, and operator fields in the answer record nothing', async () => {
    const p = await partner(pro, 'Alpha Quartz');
    const contactId = String(p.contacts[0]!._id);
    const a = await AgreementModel.create({
      title: 'Entente Quartz',
      partnerIds: [p._id],
      ownerId: pro._id,
      status: 'active',
      kpis: [{ name: 'Jeunes', baseline: 0, target: 10 }],
    });
    const now = new Date();
    const requestId = `${String(a._id)}.2026-01-01.${contactId}`;
    await FollowUpRequestModel.create({
      _id: requestId,
      agreementId: a._id,
      partnerId: p._id,
      contactId,
      dueAt: now,
      expiresAt: new Date(now.getTime() + 86400_000 * 10),
      kpiIds: [a.kpis[0]!._id],
      createdAt: now,
    });
    const token = signLink({ purpose: 'followup', contactId, requestId, exp: expIn(now, 10) });
    const anon = supertest.agent(app);
    expect((await anon.get(`/p/followup/${token}`)).status).to.equal(200);
    const before = await snapshot();
    for (const bad of ['{"$gt":""}', '[$ne]', '$where', '.*', `${token}x`, `${token}.x`, LONG.slice(0, 1000), token.split('.')[0]!]) {
      for (const path of [`/p/followup/${encodeURIComponent(bad)}`, `/p/optout/${encodeURIComponent(bad)}`]) {
        const get = await anon.get(path);
        expect(get.status, `GET ${path.slice(0, 60)}`).to.be.lessThan(500);
        const _csrf = await csrfFrom(anon, `/p/followup/${token}`);
        const post = await anon.post(path).type('form').send({ _csrf, health_trust: '5' });
        expect(post.status, `POST ${path.slice(0, 60)}`).to.equal(404);
      }
    }
    // Operator-shaped and repeated fields with the genuine token: a form error, nothing recorded.
    const kpi = `kpi_${String(a.kpis[0]!._id)}`;
    for (const body of [
      'health_trust[$gt]=0&health_communication[$gt]=0&health_sharedGoals[$gt]=0&health_roles[$gt]=0&health_mutualBenefit[$gt]=0',
      'health_trust=5&health_trust=1&health_communication=5&health_sharedGoals=5&health_roles=5&health_mutualBenefit=5',
      `health_trust=${encodeURIComponent('{"$gt":0}')}&health_communication=5&health_sharedGoals=5&health_roles=5&health_mutualBenefit=5`,
      `health_trust=5&health_communication=5&health_sharedGoals=5&health_roles=5&health_mutualBenefit=5&${kpi}=${encodeURIComponent('{"$gt":0}')}`,
      `health_trust=5&health_communication=5&health_sharedGoals=5&health_roles=5&health_mutualBenefit=5&progress=${'p'.repeat(20000)}`,
    ]) {
      const _csrf = await csrfFrom(anon, `/p/followup/${token}`);
      const res = await anon
        .post(`/p/followup/${token}`)
        .type('form')
        .send(`${body}&_csrf=${encodeURIComponent(_csrf)}`);
      expect(res.status, body.slice(0, 80)).to.equal(422);
    }
    expect(await snapshot()).to.equal(before);
    expect(await FollowUpResponseModel.countDocuments()).to.equal(0);
    expect(await ProgressCheckModel.countDocuments()).to.equal(0);
  });
});

describe('security: injection in list filters', () => {
  let app: Express;
  const agreementTitles = ['Entente Quartz 0', 'Entente Quartz 1', 'Entente Quartz 2'];
  const allPartners = [...partnerNames, 'Delta Archived Quartz'];
  const lists: { path: string; fields: string[]; markers: string[] }[] = [
    { path: '/partners', fields: ['q', 'type', 'stage', 'owner', 'region'], markers: allPartners },
    { path: '/partners', fields: ['tag', 'resource', 'archived', 'sort', 'page'], markers: allPartners },
    { path: '/partners/export.csv', fields: ['q', 'owner', 'region', 'tag', 'archived'], markers: allPartners },
    { path: '/partners/board', fields: ['mine'], markers: allPartners },
    { path: '/agreements', fields: ['status', 'kind', 'owner', 'partnerType'], markers: agreementTitles },
    { path: '/agreements', fields: ['kpiStatus', 'endingWithin', 'page'], markers: agreementTitles },
    { path: '/agreements/export.csv', fields: ['status', 'owner', 'endingWithin'], markers: agreementTitles },
    { path: '/agreements/measurements.csv', fields: ['from', 'to', 'owner'], markers: [] },
    { path: '/tasks', fields: ['overdue'], markers: ['Tâche Quartz'] },
    { path: '/resources', fields: ['category', 'page'], markers: [] },
    { path: '/meetings', fields: ['scope', 'page'], markers: [] },
    { path: '/meetings/calendar', fields: ['scope', 'month'], markers: [] },
    { path: '/dashboard', fields: ['owner', 'period', 'type', 'region'], markers: [] },
    { path: '/dashboard/rows/stage', fields: ['owner', 'period', 'stage', 'page'], markers: [] },
  ];
  let lister: Agent;
  before(async () => {
    app = await makeApp();
    await clearDatabase();
    const owner = await createUser({ role: 'professional', locale: 'en' });
    lister = await signIn(app, owner);
    await seedLists(owner);
  });
  // These tests only read: the data is seeded once.

  for (const { path, fields, markers } of lists) {
    it(`${path}: ${fields.join(', ')}`, async () => {
      const base = await lister.get(path);
      expect(base.status, path).to.equal(200);
      const baseline = shown(base.text, markers);
      const failures: string[] = [];
      for (const field of fields) {
        for (const qs of injections(field)) {
          const res = await lister.get(`${path}?${qs}`);
          if (res.status !== 200) failures.push(`${path}?${qs.slice(0, 60)} → ${res.status}`);
          const extra = shown(res.text, markers).filter((m) => !baseline.includes(m));
          if (extra.length) failures.push(`${path}?${qs.slice(0, 60)} revealed ${extra.join(', ')}`);
        }
      }
      expect(failures, failures.join('\n')).to.deep.equal([]);
    });
  }

  it('text filters (region, tag) compare literally: a regex or an operator finds nothing', async () => {
    for (const field of ['region', 'tag']) {
      for (const p of ['.*', '{"$ne":null}', '$where', '[a-z]+']) {
        const res = await lister.get(`/partners?${field}=${encodeURIComponent(p)}`);
        expect(shown(res.text, partnerNames), `${field}=${p}`).to.deep.equal([]);
      }
      expect(shown((await lister.get(`/partners?${field}=${field === 'region' ? 'Laval' : 'jeunesse'}`)).text, partnerNames)).to.deep.equal(
        partnerNames,
      );
    }
  });
});
