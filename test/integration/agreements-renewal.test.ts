import { expect } from 'chai';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import { makeApp, createUser, signIn, postForm, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { AuditModel } from '../../src/audit/model.js';
import { expireEndedAgreements } from '../../src/agreements/service.js';
import { dashboard, type DashboardFilter } from '../../src/dashboard/service.js';
import { registeredKinds } from '../../src/reminders/kinds.js';

const DAY = 86_400_000;
const all: DashboardFilter = { ownerId: null, type: null, region: null, period: 90 };
const idFrom = (location: unknown) => String(location).split('/')[2]!.split('#')[0]!;

describe('agreements: renewal keeps the original running until the renewal is approved', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;
  let mAgent: Agent;
  let leadId: Types.ObjectId;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    const manager = await createUser({ role: 'manager', locale: 'en' });
    agent = await signIn(app, pro);
    mAgent = await signIn(app, manager);
    leadId = await makePartner(pro, 'Centre Accueil');
  });

  const activeFigures = async () => {
    const d = await dashboard(all);
    return {
      active: d.agreements.perStatus.find((s) => s.status === 'active')!.count,
      committed: d.funding.map((f) => [f.currency, f.committed, f.agreements]),
    };
  };

  async function renew(id: string) {
    const res = await postForm(agent, `/agreements/${id}/transition`, { action: 'renew' }, `/agreements/${id}`);
    expect(res.status).to.equal(302);
    return idFrom(res.headers.location);
  }

  it('counts the original as active (dashboard, funding, list, renewal notice) while its renewal is a draft, and swaps on approval', async () => {
    const original = await fullAgreement(pro, [leadId], { status: 'active', endDate: new Date(Date.now() + 30 * DAY) });
    const id = String(original._id);
    expect(await activeFigures()).to.deep.equal({ active: 1, committed: [['CAD', 10000, 1]] });

    const renewalId = await renew(id);
    const [old, fresh] = await Promise.all([AgreementModel.findById(id).lean(), AgreementModel.findById(renewalId).lean()]);
    expect(old!.status).to.equal('active');
    expect(String(old!.renewedToId)).to.equal(renewalId);
    expect(fresh!.status).to.equal('draft');
    expect(String(fresh!.renewedFromId)).to.equal(id);
    expect(fresh!.kpis[0]!.status).to.equal('no_data'); // the renewal has no measurements of its own
    expect(await activeFigures()).to.deep.equal({ active: 1, committed: [['CAD', 10000, 1]] });
    expect((await agent.get('/agreements?status=active')).text).to.contain(`/agreements/${id}"`);
    const notice = registeredKinds().find((k) => k.kind === 'agreement_renewal')!;
    expect((await notice.findDue(new Date())).map((m) => m.subjectId)).to.deep.equal([id]);

    // Linked both ways, on both pages.
    const oldPage = await agent.get(`/agreements/${id}`);
    expect(oldPage.text).to.contain('Renewal in progress').and.contain(`href="/agreements/${renewalId}"`);
    expect((await agent.get(`/agreements/${renewalId}`)).text)
      .to.contain('Renews')
      .and.contain(`href="/agreements/${id}"`);

    // One open renewal per agreement: a second one is refused and nothing is created.
    const again = await postForm(agent, `/agreements/${id}/transition`, { action: 'renew' }, `/agreements/${id}`);
    expect(again.status).to.equal(303);
    expect(await AgreementModel.countDocuments({ renewedFromId: original._id })).to.equal(1);
    expect((await agent.get(`/agreements/${id}`)).text).to.contain('already has a renewal in progress');

    // The renewal gets its own funding, goes through review; the original still counts meanwhile.
    await AgreementModel.updateOne({ _id: renewalId }, { $set: { 'funding.total': 12000, 'funding.contributions.0.value': 12000 } });
    expect(
      (await postForm(agent, `/agreements/${renewalId}/transition`, { action: 'submit' }, `/agreements/${renewalId}`)).status,
    ).to.equal(302);
    expect(await activeFigures()).to.deep.equal({ active: 1, committed: [['CAD', 10000, 1]] });
    expect(
      (await postForm(mAgent, `/agreements/${renewalId}/transition`, { action: 'approve' }, `/agreements/${renewalId}`)).status,
    ).to.equal(302);
    const [closed, running] = await Promise.all([AgreementModel.findById(id).lean(), AgreementModel.findById(renewalId).lean()]);
    expect([closed!.status, running!.status]).to.deep.equal(['renewed', 'active']);
    expect(await activeFigures()).to.deep.equal({ active: 1, committed: [['CAD', 12000, 1]] });
    const moves = await AuditModel.find({ entityId: original._id, action: /^status:/ }).lean();
    expect(moves.map((m) => [m.action, m.changes[0]?.from, m.changes[0]?.to])).to.deep.equal([['status:supersede', 'active', 'renewed']]);
    expect((await agent.get(`/agreements/${id}`)).text)
      .to.contain('Renewed by')
      .and.not.contain('Renewal in progress');
  });

  it('lets the daily expiry end an original whose renewal is still a draft, then marks it renewed when the renewal is approved', async () => {
    const original = await fullAgreement(pro, [leadId], { status: 'active', endDate: new Date('2026-05-31T12:00:00Z') });
    const id = String(original._id);
    const renewalId = await renew(id);
    expect(await expireEndedAgreements(new Date('2026-06-15T00:00:00Z'))).to.equal(1);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('expired');
    await postForm(agent, `/agreements/${renewalId}/transition`, { action: 'submit' }, `/agreements/${renewalId}`);
    await postForm(mAgent, `/agreements/${renewalId}/transition`, { action: 'approve' }, `/agreements/${renewalId}`);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('renewed');
    expect((await AgreementModel.findById(renewalId).lean())!.status).to.equal('active');
  });

  it('leaves a terminated original terminated when its renewal is approved later', async () => {
    const original = await fullAgreement(pro, [leadId], { status: 'active' });
    const id = String(original._id);
    const renewalId = await renew(id);
    await postForm(agent, `/agreements/${id}/transition`, { action: 'terminate', reason: 'Partner left' }, `/agreements/${id}`);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('terminated');
    await postForm(agent, `/agreements/${renewalId}/transition`, { action: 'submit' }, `/agreements/${renewalId}`);
    await postForm(mAgent, `/agreements/${renewalId}/transition`, { action: 'approve' }, `/agreements/${renewalId}`);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('terminated');
    expect((await AgreementModel.findById(renewalId).lean())!.status).to.equal('active');
  });
});
