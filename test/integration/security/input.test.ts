import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { createUser, csrfFrom, makeApp, PASSWORD, postForm, signIn, type Agent, type TestUser } from '../../helpers/app.js';
import { clearDatabase } from '../../helpers/db.js';
import { PartnerModel } from '../../../src/partners/model.js';
import { AgreementModel } from '../../../src/agreements/model.js';
import { MeetingModel } from '../../../src/meetings/model.js';
import { TaskModel } from '../../../src/tasks/model.js';
import { UserModel } from '../../../src/users/model.js';
import { renderEmail } from '../../../src/mail/render.js';
import { foldText } from '../../../src/util/text.js';

const SCRIPT = '<script>alert(1)</script>';
const ATTR = '"><img src=x onerror=alert(1)>';
const inert = (html: string) => !html.includes(SCRIPT) && !html.includes('<img src=x') && !/href="javascript:/i.test(html);

async function partner(owner: TestUser, name: string, extra: Record<string, unknown> = {}) {
  return PartnerModel.create({
    name,
    nameFolded: foldText(name),
    searchFolded: foldText(name),
    type: 'community',
    ownerId: owner._id,
    ...extra,
  });
}

describe('security: hostile input', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;
  beforeEach(async () => {
    app ??= await makeApp();
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
  });

  it('operator objects, arrays and regex text in list and search queries match only the literal text, never a 500', async () => {
    await partner(pro, 'Alpha');
    await partner(pro, 'Bravo (2)');
    const hostile = [
      'q[$ne]=x',
      'q=.*',
      'q=Bravo%20(2',
      'q[$regex]=.*',
      'type[$ne]=school',
      'stage=exploring&stage=active',
      'owner[$gt]=',
      'sort[$where]=1',
      `q=${'a'.repeat(5000)}`,
      'page[$gt]=1',
      'q={"$gt":""}',
    ];
    for (const qs of hostile) {
      const res = await agent.get(`/partners?${qs}`);
      expect(res.status, qs).to.be.oneOf([200, 400, 422]);
      if (qs === 'q=.*' || qs.startsWith('q={')) expect(res.text, qs).to.not.contain('Alpha');
      if (qs === 'q=Bravo%20(2') expect(res.text, qs).to.contain('Bravo (2)').and.not.contain('>Alpha<');
    }
    for (const qs of ['status[$ne]=draft', 'q[$gt]=', 'kpiStatus[$in]=at_risk'])
      expect((await agent.get(`/agreements?${qs}`)).status, qs).to.be.oneOf([200, 400, 422]);
    for (const qs of ['view[$ne]=1', 'from[$gt]=', 'scope[$ne]=all'])
      expect((await agent.get(`/meetings?${qs}`)).status, qs).to.be.oneOf([200, 400, 422]);
  });

  it('sign-in with operator objects or arrays signs nobody in', async () => {
    const anonymous = supertest.agent(app);
    const _csrf = await csrfFrom(anonymous, '/login');
    for (const body of [
      `email[$ne]=x&password[$ne]=x&_csrf=${_csrf}`,
      `email=${encodeURIComponent(pro.email)}&password[$gt]=&_csrf=${_csrf}`,
      `email=${encodeURIComponent(pro.email)}&email=other@x.org&password=x&_csrf=${_csrf}`,
    ]) {
      const res = await anonymous.post('/login').type('form').send(body);
      expect(res.status, body).to.be.oneOf([401, 403, 422, 429]);
      expect((await anonymous.get('/partners')).status).to.equal(302);
    }
  });

  it('script, attribute and URL payloads stored in free text render inert on every page that shows them', async () => {
    const p = await partner(pro, SCRIPT, {
      description: ATTR,
      website: 'javascript:alert(1)',
      region: ATTR,
      tags: [SCRIPT],
      contacts: [{ name: ATTR, email: 'c@example.org', role: SCRIPT, locale: 'en', primary: true }],
      resources: [{ category: 'services', description: SCRIPT }],
    });
    const a = await AgreementModel.create({
      title: SCRIPT,
      partnerIds: [p._id],
      ownerId: pro._id,
      purpose: ATTR,
      objectives: [{ text: SCRIPT }],
    });
    const start = new Date(Date.now() + 86400_000);
    const m = await MeetingModel.create({
      title: SCRIPT,
      partnerId: p._id,
      ownerId: pro._id,
      start,
      end: new Date(start.getTime() + 3600_000),
      zone: 'America/Toronto',
      location: ATTR,
      videoUrl: 'javascript:alert(1)',
      agenda: SCRIPT,
      attendeeUserIds: [pro._id],
    });
    await TaskModel.create({ title: SCRIPT, ownerId: pro._id, partnerId: p._id, dueDate: new Date(Date.now() - 86400_000) });
    await postForm(
      agent,
      `/partners/${String(p._id)}/interactions`,
      { date: '2026-11-01', kind: 'note', summary: ATTR },
      `/partners/${String(p._id)}`,
    );
    const pages = [
      '/',
      '/partners',
      `/partners?q=${encodeURIComponent(SCRIPT)}`,
      `/partners/${String(p._id)}`,
      `/partners/${String(p._id)}/edit`,
      '/partners/board',
      '/resources',
      '/agreements',
      `/agreements/${String(a._id)}`,
      `/agreements/${String(a._id)}/print`,
      '/meetings',
      `/meetings/${String(m._id)}`,
      '/tasks',
      '/dashboard?owner=all',
    ];
    for (const url of pages) {
      const res = await agent.get(url);
      expect(res.status, url).to.equal(200);
      expect(inert(res.text), url).to.equal(true);
    }
    expect((await agent.get(`/partners/${String(p._id)}`)).text).to.contain('&lt;script&gt;');
  });

  it('payloads render inert in emails (HTML part)', async () => {
    for (const template of ['task_overdue', 'meeting_invitation', 'meeting_reminder', 'followup_request']) {
      const { html, subject } = await renderEmail(template, 'en', {
        name: SCRIPT,
        title: SCRIPT,
        due: ATTR,
        when: ATTR,
        place: ATTR,
        agenda: SCRIPT,
        organizer: SCRIPT,
        partner: ATTR,
        owner: SCRIPT,
        expires: ATTR,
        update: false,
        series: false,
        link: 'https://passerelle.test/x',
        rsvpLink: '',
        optOutUrl: '',
      });
      expect(inert(html), template).to.equal(true);
      expect(subject, template).to.be.a('string');
    }
  });

  it('a professional cannot change another’s partner, agreement, meeting or task by posting directly (403, unchanged)', async () => {
    const other = await createUser({ role: 'professional' });
    const p = await partner(other, 'Theirs');
    const a = await AgreementModel.create({ title: 'Their agreement', partnerIds: [p._id], ownerId: other._id });
    const start = new Date(Date.now() + 86400_000);
    const m = await MeetingModel.create({
      title: 'Their meeting',
      partnerId: p._id,
      ownerId: other._id,
      start,
      end: new Date(start.getTime() + 3600_000),
      zone: 'America/Toronto',
    });
    const t = await TaskModel.create({ title: 'Their task', ownerId: other._id, partnerId: p._id });
    const attempts: [string, Record<string, string>][] = [
      [`/partners/${String(p._id)}/archive`, {}],
      [`/partners/${String(p._id)}/stage`, { stage: 'contacted', reason: '' }],
      [`/agreements/${String(a._id)}/edit/purpose`, { purpose: 'Hijacked' }],
      [`/meetings/${String(m._id)}/minutes`, { agenda: '', minutes: 'Hijacked', decisions: '', rev: '0' }],
      [`/meetings/${String(m._id)}/cancel`, {}],
      [`/tasks/${String(t._id)}/status`, { status: 'done' }],
    ];
    for (const [url, fields] of attempts) expect((await postForm(agent, url, fields, '/tasks')).status, url).to.equal(403);
    expect((await PartnerModel.findById(p._id).lean())!.archived).to.equal(false);
    expect((await PartnerModel.findById(p._id).lean())!.stage).to.equal('identified');
    expect((await AgreementModel.findById(a._id).lean())!.purpose).to.equal('');
    expect((await MeetingModel.findById(m._id).lean())!.minutes).to.equal('');
    expect((await MeetingModel.findById(m._id).lean())!.cancelled).to.equal(false);
    expect((await TaskModel.findById(t._id).lean())!.status).to.equal('open');
  });

  it('limits: an oversized body gets 413 and changes nothing; sign-in is throttled', async () => {
    const before = await PartnerModel.countDocuments();
    const big = await postForm(agent, '/partners', { name: 'Big', type: 'community', description: 'x'.repeat(300_000) }, '/partners/new');
    expect(big.status).to.equal(413);
    expect(await PartnerModel.countDocuments()).to.equal(before);
    const anonymous = supertest.agent(app);
    const _csrf = await csrfFrom(anonymous, '/login');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await anonymous.post('/login').type('form').send({ email: pro.email, password: 'wrong', _csrf })).status);
    expect(statuses.at(-1)).to.equal(429);
    const before2 = (await UserModel.findById(pro._id).lean())!.lastLoginAt;
    // Throttled: even the right password is refused now.
    expect((await anonymous.post('/login').type('form').send({ email: pro.email, password: PASSWORD, _csrf })).status).to.equal(429);
    expect((await UserModel.findById(pro._id).lean())!.lastLoginAt).to.deep.equal(before2);
  });
});
