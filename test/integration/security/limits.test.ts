// Limits: oversized forms get 413 (urlencoded limit 200 kB, 2000 fields), uploads are capped (CSV
// import: 5 MB, one file), and sign-in is throttled per account and per address.
import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { createUser, csrfFrom, makeApp, PASSWORD, signIn, type Agent, type TestUser } from '../../helpers/app.js';
import { clearDatabase } from '../../helpers/db.js';
import { LoginFailureModel } from '../../../src/auth/throttle.model.js';
import { PartnerImportModel } from '../../../src/partners/import.model.js';
import { PartnerModel } from '../../../src/partners/model.js';
import { maxUploadBytes } from '../../../src/partners/import.routes.js';
import { config } from '../../../src/config.js';
import { snapshot } from './world.js';

describe('security: limits', () => {
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

  it('a form body over 200 kB gets 413 and stores nothing, signed in or not', async () => {
    const before = await snapshot();
    const _csrf = await csrfFrom(agent, '/partners/new');
    const big = 'x'.repeat(201 * 1024);
    const res = await agent
      .post('/partners')
      .type('form')
      .send({ _csrf, name: 'Big', type: 'community', ownerId: String(pro._id), description: big });
    expect(res.status).to.equal(413);
    const anon = supertest.agent(app);
    const anonToken = await csrfFrom(anon, '/login');
    expect((await anon.post('/login').type('form').send({ _csrf: anonToken, email: pro.email, password: big })).status).to.equal(413);
    expect((await anon.post('/p/optout/x').type('form').send({ big })).status).to.equal(413);
    expect(await snapshot()).to.equal(before);
    // Just under the limit is read normally (here: refused by the field's own length rule, not by size).
    const under = await agent
      .post('/partners')
      .type('form')
      .send({ _csrf, name: 'Big', type: 'community', ownerId: String(pro._id), description: 'x'.repeat(150 * 1024) });
    expect(under.status).to.equal(422);
    expect(under.text).to.include('name="description"');
  });

  it('a form with more than 2000 fields gets 413, and a JSON body is not parsed at all (no token, 403); nothing is stored', async () => {
    const _csrf = await csrfFrom(agent, '/partners/new');
    const many = Array.from({ length: 2100 }, (_, i) => `f${i}=1`).join('&');
    const res = await agent
      .post('/partners')
      .type('form')
      .send(`${many}&_csrf=${encodeURIComponent(_csrf)}&name=Many&type=community`);
    expect(res.status).to.equal(413);
    const json = await agent
      .post('/partners')
      .type('json')
      .send({ _csrf, name: 'Json', type: 'community', ownerId: String(pro._id) });
    expect(json.status, 'JSON bodies are not parsed, so the token is missing').to.equal(403);
    expect(await PartnerModel.countDocuments()).to.equal(0);
  });

  it('the CSV import refuses a file over 5 MB (413, nothing stored) and more than one file', async () => {
    expect(maxUploadBytes).to.equal(5 * 1024 * 1024);
    const _csrf = await csrfFrom(agent, '/partners/import');
    const row = 'École Test,school\n';
    const big = Buffer.from('name,type\n' + row.repeat(Math.ceil((maxUploadBytes + 1024) / row.length)));
    expect(big.length).to.be.greaterThan(maxUploadBytes);
    const res = await agent.post('/partners/import').field('_csrf', _csrf).attach('file', big, 'big.csv');
    expect(res.status).to.equal(413);
    expect(res.text).to.include('The file is larger than 5 MB.');
    const two = await agent
      .post('/partners/import')
      .field('_csrf', _csrf)
      .attach('file', Buffer.from('name,type\nA,school\n'), 'a.csv')
      .attach('file', Buffer.from('name,type\nB,school\n'), 'b.csv');
    expect(two.status).to.equal(413);
    expect(await PartnerImportModel.countDocuments()).to.equal(0);
    const ok = await agent.post('/partners/import').field('_csrf', _csrf).attach('file', Buffer.from('name,type\nA,school\n'), 'a.csv');
    expect(ok.status).to.equal(302);
    expect(await PartnerImportModel.countDocuments()).to.equal(1);
  });

  async function tryLogin(email: string, password: string, ip = '') {
    const anon = supertest.agent(app);
    const _csrf = await csrfFrom(anon, '/login');
    const req = anon.post('/login').type('form');
    if (ip) req.set('X-Forwarded-For', ip);
    const res = await req.send({ _csrf, email, password });
    return res.status;
  }

  it('sign-in is throttled per account: after the allowed failures even the right password is refused (429), whatever the case or spacing of the email', async () => {
    const max = config.login.maxAttempts;
    const statuses: number[] = [];
    for (let i = 0; i < max; i++) statuses.push(await tryLogin(i % 2 ? pro.email.toUpperCase() : ` ${pro.email} `, 'wrong-password'));
    expect(statuses).to.deep.equal(Array.from({ length: max }, () => 401));
    expect(await tryLogin(pro.email, PASSWORD)).to.equal(429);
    expect(await tryLogin(pro.email.toUpperCase(), PASSWORD)).to.equal(429);
    // Another account is not blocked by these failures.
    const other = await createUser();
    expect(await tryLogin(other.email, PASSWORD)).to.equal(302);
  });

  it('sign-in is throttled per address: many accounts tried from one address get blocked, even unknown ones', async () => {
    const max = config.login.maxAttempts * 4;
    for (let i = 0; i < max; i++) expect(await tryLogin(`nobody${i}@example.org`, 'wrong-password')).to.equal(401);
    expect(await LoginFailureModel.countDocuments({ key: /^ip:/ })).to.equal(max);
    // A real account with its right password, from the same address: blocked.
    expect(await tryLogin(pro.email, PASSWORD)).to.equal(429);
  });
});
