import { expect } from 'chai';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import { makeApp, createUser, signIn, postForm, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { PartnerModel, StageChangeModel } from '../../src/partners/model.js';
import { InteractionModel } from '../../src/partners/interactions.model.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { TaskModel } from '../../src/tasks/model.js';
import { AuditModel } from '../../src/audit/model.js';

const meetingOf = (partnerId: Types.ObjectId, owner: TestUser) =>
  MeetingModel.create({
    title: 'Planning',
    partnerId,
    ownerId: owner._id,
    start: new Date('2026-06-01T13:00:00Z'),
    end: new Date('2026-06-01T14:00:00Z'),
    zone: 'America/Toronto',
  });

describe('partners: deleting keeps every reference whole', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;
  let aAgent: Agent;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
    aAgent = await signIn(app, await createUser({ role: 'admin', locale: 'en' }));
  });

  it('refuses to delete an archived partner that agreements (any status) or meetings still name, says what blocks it, and changes nothing', async () => {
    const lead = await makePartner(pro, 'Centre Accueil');
    const gone = await makePartner(pro, 'Collège Nord', 'school');
    await PartnerModel.updateOne({ _id: gone }, { $set: { archived: true } });
    await fullAgreement(pro, [lead, gone], { status: 'draft' });
    await fullAgreement(pro, [gone], { status: 'terminated', title: 'Ended long ago' });
    await meetingOf(gone, pro);
    const res = await postForm(aAgent, `/partners/${String(gone)}/delete`, {}, `/partners/${String(gone)}/delete`);
    expect(res.status).to.equal(303);
    expect(await PartnerModel.countDocuments({ _id: gone })).to.equal(1);
    expect(await AgreementModel.countDocuments({ partnerIds: gone })).to.equal(2);
    expect(await AuditModel.countDocuments({ entityId: gone, action: 'delete' })).to.equal(0);
    const page = await aAgent.get(`/partners/${String(gone)}`);
    expect(page.text).to.contain('Collège Nord cannot be deleted while 2 agreements and 1 meeting refer to it');
    expect(page.text).to.contain('Keep it archived');
  });

  it('deletes an archived partner with nothing attached, and its tasks, interactions and stage history with it', async () => {
    const keep = await makePartner(pro, 'Centre Accueil');
    const gone = await makePartner(pro, 'Collège Nord', 'school');
    await PartnerModel.updateOne({ _id: gone }, { $set: { archived: true } });
    for (const partnerId of [keep, gone]) {
      await TaskModel.create({ title: 'Call back', ownerId: pro._id, partnerId });
      await InteractionModel.create({ partnerId, kind: 'call', date: new Date(), summary: 'First call' });
      await StageChangeModel.create({ partnerId, from: null, to: 'identified' });
    }
    const res = await postForm(aAgent, `/partners/${String(gone)}/delete`, {}, `/partners/${String(gone)}/delete`);
    expect(res.status).to.equal(302);
    expect(await PartnerModel.countDocuments({ _id: gone })).to.equal(0);
    const ids = (rows: { partnerId?: Types.ObjectId | null }[]) => rows.map((r) => String(r.partnerId));
    expect(ids(await TaskModel.find({}, { partnerId: 1 }).lean())).to.deep.equal([String(keep)]);
    expect(ids(await InteractionModel.find({}, { partnerId: 1 }).lean())).to.deep.equal([String(keep)]);
    expect(ids(await StageChangeModel.find({}, { partnerId: 1 }).lean())).to.deep.equal([String(keep)]);
    expect(await AuditModel.countDocuments({ entityId: gone, action: 'delete' })).to.equal(1);
  });

  it('shows, edits and prints an agreement, and shows a meeting, whose partner was deleted before this rule, without a 500', async () => {
    const lead = await makePartner(pro, 'Centre Accueil');
    const gone = await makePartner(pro, 'Collège Nord', 'school');
    const a = await fullAgreement(pro, [lead, gone], {
      governance: { type: 'informal', decisionProcess: 'Consensus', roles: [{ partyPartnerId: gone, responsibilities: 'Hosts' }] },
      resources: [{ what: 'Rooms', providerPartnerId: gone, forWhom: 'Clients' }],
    });
    const m = await meetingOf(gone, pro);
    await PartnerModel.deleteOne({ _id: gone }); // as an earlier version of the application allowed
    const id = String(a._id);
    for (const url of [
      `/agreements/${id}`,
      `/agreements/${id}/edit/governance`,
      `/agreements/${id}/print`,
      '/agreements',
      `/meetings/${String(m._id)}`,
    ]) {
      const page = await agent.get(url);
      expect(page.status, url).to.equal(200);
      if (url !== '/agreements' && !url.startsWith('/meetings')) expect(page.text, url).to.contain('Deleted partner');
    }
    const saved = await postForm(
      agent,
      `/agreements/${id}/edit/governance`,
      { rev: '0', type: 'informal', decisionProcess: 'By email', party: [String(gone)], responsibilities: ['Hosts'] },
      `/agreements/${id}/edit/governance`,
    );
    expect(saved.status).to.equal(302);
    expect((await AgreementModel.findById(id).lean())!.governance!.decisionProcess).to.equal('By email');
    expect((await agent.get(`/partners/${String(lead)}`)).status).to.equal(200);
  });
});
