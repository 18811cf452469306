import { expect } from 'chai';
import type { Express } from 'express';
import { createUser, csrfFrom, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { PartnerModel } from '../../src/partners/model.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';

// One optimistic-concurrency rule (src/db/revision.ts) on every edit form: the form carries the
// revision it was read at; a save from another revision, or from none, is a 409 with the form shown
// again, the user's input in it; of two simultaneous saves exactly one is kept.

describe('concurrent edits: one revision rule for every edit form', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;

  beforeEach(async () => {
    app ??= await makeApp();
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
  });

  async function meetingOf(owner: TestUser) {
    const partnerId = await makePartner(owner, 'Centre Nord');
    const start = new Date(Date.now() + 7 * 86400_000);
    return MeetingModel.create({
      kind: 'planning',
      title: 'Planning',
      partnerId,
      ownerId: owner._id,
      start,
      end: new Date(start.getTime() + 3600_000),
      durationMinutes: 60,
      zone: 'America/Toronto',
      attendees: [{ contactId: null, userId: null, name: 'Rita', email: 'rita@partner.test', response: 'none' }],
      createdBy: owner._id,
    });
  }

  it('a partner save without its revision is a 409 with the form kept, not a silent overwrite', async () => {
    const id = await makePartner(pro, 'Centre Accueil');
    const res = await postForm(agent, `/partners/${String(id)}`, { name: 'Renamed blind', type: 'school', ownerId: String(pro._id) }, '/');
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('value="Renamed blind"').and.contain('Someone else saved this partner');
    expect((await PartnerModel.findById(id).lean())!.name).to.equal('Centre Accueil');
  });

  it('a partner’s exploration saved from an older revision, or without one, is a 409 with the typed goals kept', async () => {
    const id = await makePartner(pro, 'Centre Accueil');
    const url = `/partners/${String(id)}/exploration`;
    const fields = { interestConfirmedAt: '', sharedGoals: 'Place 20 young people' };
    expect((await postForm(agent, url, { ...fields, rev: '0' }, `/partners/${String(id)}`)).status).to.equal(302);
    for (const rev of ['0', undefined]) {
      const res = await postForm(agent, url, { ...fields, sharedGoals: 'Place 30 young people', ...(rev ? { rev } : {}) }, '/');
      expect(res.status, `rev ${rev}`).to.equal(409);
      expect(res.text).to.contain('Place 30 young people').and.contain('Someone else saved this partner');
      expect(res.text).to.contain('name="rev" value="1"');
    }
    expect((await PartnerModel.findById(id).lean())!.exploration.sharedGoals).to.equal('Place 20 young people');
  });

  it('a contact edited from an older revision of its partner, or without one, is a 409 with the typed name kept', async () => {
    const id = await makePartner(pro, 'Centre Accueil');
    await PartnerModel.updateOne(
      { _id: id },
      { $set: { rev: 2, contacts: [{ name: 'Rita', email: 'rita@partner.test', primary: true }] } },
    );
    const contactId = String((await PartnerModel.findById(id).lean())!.contacts[0]!._id);
    const url = `/partners/${String(id)}/contacts/${contactId}`;
    for (const rev of ['1', undefined]) {
      const res = await postForm(agent, url, { name: 'Rita Typed', email: 'rita@partner.test', ...(rev ? { rev } : {}) }, '/');
      expect(res.status, `rev ${rev}`).to.equal(409);
      expect(res.text).to.contain('value="Rita Typed"').and.contain('name="rev" value="2"');
    }
    expect((await PartnerModel.findById(id).lean())!.contacts[0]!.name).to.equal('Rita');
    expect((await postForm(agent, url, { name: 'Rita Saved', email: 'rita@partner.test', rev: '2' }, '/')).status).to.equal(302);
    expect((await PartnerModel.findById(id).lean())!.contacts[0]!.name).to.equal('Rita Saved');
  });

  it('an agreement element saved from an older revision is a 409 with the element form and the typed text, the first save kept', async () => {
    const a = await fullAgreement(pro, [await makePartner(pro, 'Centre Accueil')], { status: 'draft' });
    const url = `/agreements/${String(a._id)}/edit/purpose`;
    expect((await postForm(agent, url, { rev: '0', purpose: 'First purpose' }, url)).status).to.equal(302);
    const stale = await postForm(agent, url, { rev: '0', purpose: 'Second purpose' }, url);
    expect(stale.status).to.equal(409);
    expect(stale.text).to.contain('Second purpose').and.contain('Someone else saved this agreement');
    expect(stale.text).to.contain('name="rev" value="1"');
    const missing = await postForm(agent, url, { purpose: 'Third purpose' }, url);
    expect(missing.status).to.equal(409);
    expect(missing.text).to.contain('Third purpose');
    expect((await AgreementModel.findById(a._id).lean())!.purpose).to.equal('First purpose');
  });

  it('two simultaneous minutes saves from one revision: one is kept, the other is a 409 showing its text; none without a revision', async () => {
    const m = await meetingOf(pro);
    const url = `/meetings/${String(m._id)}/minutes`;
    const _csrf = await csrfFrom(agent, `/meetings/${String(m._id)}`);
    const save = (minutes: string) => agent.post(url).type('form').send({ _csrf, rev: '0', agenda: '', decisions: '', minutes });
    const [a, b] = await Promise.all([save('Minutes by Alice'), save('Minutes by Bob')]);
    expect([a.status, b.status].sort()).to.deep.equal([302, 409]);
    const lost = a.status === 409 ? a : b;
    const kept = (await MeetingModel.findById(m._id).lean())!.minutes;
    expect(lost.text).to.contain(kept === 'Minutes by Alice' ? 'Minutes by Bob' : 'Minutes by Alice');
    expect(lost.text).to.contain('Someone else saved this meeting');
    const missing = await agent.post(url).type('form').send({ _csrf, agenda: '', decisions: '', minutes: 'No revision' });
    expect(missing.status).to.equal(409);
    expect(missing.text).to.contain('No revision');
    expect((await MeetingModel.findById(m._id).lean())!.minutes).to.equal(kept);
  });

  it('a meeting moved from an older revision is a 409 with the typed time kept; nothing moves and nobody is mailed', async () => {
    const m = await meetingOf(pro);
    await MeetingModel.updateOne({ _id: m._id }, { $set: { rev: 3 } });
    const res = await postForm(
      agent,
      `/meetings/${String(m._id)}/occurrence`,
      { rev: '2', title: 'Moved', date: '2031-05-06', time: '15:45', durationMinutes: '30', location: '', videoUrl: '', scope: 'one' },
      `/meetings/${String(m._id)}`,
    );
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('value="15:45"').and.contain('value="2031-05-06"');
    const after = (await MeetingModel.findById(m._id).lean())!;
    expect(after.start.getTime()).to.equal(m.start.getTime());
    expect(after.title).to.equal('Planning');
    expect(await OutboxModel.countDocuments({})).to.equal(0);
  });
});
