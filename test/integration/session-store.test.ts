import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { clearDatabase } from '../helpers/db.js';
import supertest from 'supertest';
import { createUser, csrfFrom, makeApp, PASSWORD, signIn } from '../helpers/app.js';
import { PartnerModel } from '../../src/partners/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { rsvpUrl } from '../../src/reminders/meetings.js';
import { optOutUrl } from '../../src/reminders/links.js';

// src/http/session-store.ts: a session is read by its _id alone (the one filter FerretDB answers
// from its index), and an expired one is refused by the store itself.
describe('session store', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  it('reads the session with a bare _id filter', async () => {
    const agent = await signIn(app, await createUser());
    const filters: Record<string, unknown>[] = [];
    const on = (e: CommandStartedEvent) => {
      const cmd = e.command as { find?: string; filter?: Record<string, unknown> };
      if (e.commandName === 'find' && cmd.find === 'sessions') filters.push(cmd.filter ?? {});
    };
    const client = mongoose.connection.getClient();
    client.on('commandStarted', on);
    await agent.get('/partners').expect(200);
    client.off('commandStarted', on);
    expect(filters).to.have.length(1);
    expect(Object.keys(filters[0]!)).to.deep.equal(['_id']);
  });

  it('treats an expired session as no session: the visitor is sent to sign in', async () => {
    const agent = await signIn(app, await createUser());
    await agent.get('/partners').expect(200);
    await mongoose.connection.db!.collection('sessions').updateMany({}, { $set: { expires: new Date(Date.now() - 1000) } });
    const res = await agent.get('/partners');
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.match(/^\/login/);
  });
});

// Only a signed-in user (or a message to carry to the next page) stores a session: the sign-in and
// partner pages' CSRF token lives in a signed cookie until then (src/http/security.ts).
describe('sessions are stored only when needed', () => {
  let app: Express;
  const sessions = () => mongoose.connection.db!.collection('sessions').countDocuments({});
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  async function partnerPages(): Promise<string[]> {
    const owner = await createUser({ locale: 'en' });
    const p = await PartnerModel.create({
      name: 'Centre Horizon',
      nameFolded: 'centre horizon',
      searchFolded: 'centre horizon',
      type: 'community',
      ownerId: owner._id,
      stage: 'active',
      contacts: [{ name: 'Julie Tremblay', email: 'julie@horizon.example', locale: 'fr', primary: true }],
    });
    const start = new Date(Date.now() + 2 * 86400_000);
    const m = await MeetingModel.create({
      title: 'Rencontre',
      partnerId: p._id,
      ownerId: owner._id,
      start,
      end: new Date(start.getTime() + 3600_000),
      zone: 'America/Toronto',
      attendees: [{ contactId: p.contacts[0]!._id, name: 'Julie Tremblay', email: 'julie@horizon.example' }],
      attendeeUserIds: [owner._id],
    });
    const local = (url: string) => new URL(url).pathname;
    const contact = String(p.contacts[0]!._id);
    return [local(optOutUrl(String(p._id), contact)), local(rsvpUrl(String(m._id), contact, m.end)), '/p/followup/not-a-token'];
  }

  it('50 cookieless visits of the sign-in, reset and partner pages store no session', async () => {
    const pages = ['/login', '/forgot', '/', ...(await partnerPages())];
    for (let i = 0; i < 50; i++) {
      for (const path of pages) {
        const res = await supertest(app).get(path);
        expect(res.status, path).to.be.oneOf([200, 302, 404, 410]);
        if (path !== '/' && res.status === 200) expect(res.text, path).to.match(/name="_csrf" value="[^"]+"/);
      }
    }
    expect(await sessions()).to.equal(0);
  });

  it('a refused sign-in and a reset request store no session either', async () => {
    const user = await createUser();
    const agent = supertest.agent(app);
    const _csrf = await csrfFrom(agent, '/login');
    expect((await agent.post('/login').type('form').send({ _csrf, email: user.email, password: 'wrong-password-1' })).status).to.equal(401);
    expect((await agent.post('/forgot').type('form').send({ _csrf, email: user.email })).status).to.equal(200);
    expect(await sessions()).to.equal(0);
  });

  it('sign-in still checks the CSRF token, and stores the one session it needs', async () => {
    const user = await createUser();
    const visitor = supertest.agent(app);
    const _csrf = await csrfFrom(visitor, '/login');
    const other = supertest.agent(app);
    const othersToken = await csrfFrom(other, '/login');
    const login = (agent: typeof visitor, token?: string) =>
      agent
        .post('/login')
        .type('form')
        .send({ email: user.email, password: PASSWORD, ...(token ? { _csrf: token } : {}) });
    expect((await login(visitor)).status, 'no token').to.equal(403);
    expect((await login(visitor, 'forged-token')).status, 'forged token').to.equal(403);
    expect((await login(visitor, othersToken)).status, "another visitor's token").to.equal(403);
    expect((await login(supertest.agent(app), _csrf)).status, 'the token without its cookie').to.equal(403);
    expect(await sessions()).to.equal(0);
    const ok = await login(visitor, _csrf);
    expect(ok.status).to.equal(302);
    expect(await sessions()).to.equal(1);
    expect((await visitor.get('/profile')).status).to.equal(200);
  });
});
