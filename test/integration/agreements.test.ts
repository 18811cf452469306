import { expect } from 'chai';
import type { Express } from 'express';
import { makeApp, createUser, signIn, postForm, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { PartnerModel } from '../../src/partners/model.js';
import { AgreementModel, AgreementVersionModel, KpiMeasurementModel } from '../../src/agreements/model.js';
import { AuditModel } from '../../src/audit/model.js';

async function partner(owner: TestUser, name: string, type: 'community' | 'school' = 'community') {
  const p = await PartnerModel.create({ name, nameFolded: name.toLowerCase(), type, ownerId: owner._id });
  return String(p._id);
}

const idFrom = (location: unknown) => String(location).split('/')[2]!.split('#')[0]!;

async function fillAll(agent: Agent, id: string, leadId: string, otherId: string) {
  const rev = async () => String((await AgreementModel.findById(id).lean())!.rev);
  const post = async (element: string, fields: Record<string, string | string[]>) => {
    const res = await postForm(
      agent,
      `/agreements/${id}/edit/${element}`,
      { rev: await rev(), ...fields },
      `/agreements/${id}/edit/${element}`,
    );
    expect(res.status, `${element}: ${res.text.slice(0, 300)}`).to.equal(302);
  };
  await post('purpose', { purpose: 'Help newcomers into jobs' });
  await post('governance', {
    type: 'steering_committee',
    decisionProcess: 'Consensus',
    party: [leadId, ''],
    responsibilities: ['Hosts workshops', 'Coaches clients'],
  });
  await post('objectives', { objective: ['Place 40 people', '', 'Train 10 mentors'] });
  await post('resources', { what: ['Rooms', 'Counsellors'], provider: [leadId, ''], forWhom: ['Clients', 'Clients'] });
  await post('funding', {
    total: '10000',
    currency: 'cad',
    party: [leadId, otherId],
    kind: ['cash', 'in_kind'],
    value: ['6000', '3000'],
    description: ['Grant', 'Rooms'],
    dueDate: ['2027-01-15'],
    amount: ['5000'],
    paid: [''],
  });
  await post('communication', {
    channels: 'email, phone',
    frequency: 'Monthly',
    workingLanguage: 'French',
    party: [leadId],
    name: ['Ana'],
    email: ['ana@example.org'],
  });
  await post('kpis', {
    kpiId: [''],
    name: ['People placed in jobs'],
    unit: ['people'],
    baseline: ['0'],
    target: ['40'],
    direction: ['increase'],
    frequency: ['quarterly'],
    dataSource: ['Intake records'],
  });
  await post('followUp', {
    checkFrequency: 'quarterly',
    meetingCadence: 'biweekly',
    reportingDuties: 'Quarterly report',
    nextReviewDate: '2027-03-01',
  });
}

describe('agreements', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;
  let leadId: string;
  let otherId: string;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
    leadId = await partner(pro, 'Centre Accueil');
    otherId = await partner(pro, 'Collège Nord', 'school');
  });

  async function draft(kind = 'contract') {
    const res = await postForm(
      agent,
      '/agreements',
      {
        title: 'Jobs for newcomers',
        leadPartnerId: leadId,
        otherPartnerIds: [otherId],
        kind,
        language: 'fr',
        ownerId: String(pro._id),
        startDate: '2026-01-01',
        endDate: '2027-12-31',
        renewalNoticeDays: '60',
      },
      '/agreements/new',
    );
    expect(res.status, res.text.slice(0, 400)).to.equal(302);
    return idFrom(res.headers.location);
  }

  it('drafts a multi-party agreement with the lead partner first and shows 0 / 8 with what is missing', async () => {
    const id = await draft();
    const a = await AgreementModel.findById(id).lean();
    expect(a!.partnerIds.map(String)).to.deep.equal([leadId, otherId]);
    expect((await PartnerModel.findById(leadId).lean())!.stage).to.equal('agreement');
    const page = await agent.get(`/agreements/${id}`);
    expect(page.text).to.contain('Completeness: 0 / 8').and.contain('Still to fill:').and.contain('Follow-up mechanism');
  });

  it('refuses review before the eight elements are complete, then walks draft → review → active with a manager', async () => {
    const id = await draft();
    const early = await postForm(agent, `/agreements/${id}/transition`, { action: 'submit' }, `/agreements/${id}`);
    expect(early.status).to.equal(303);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('draft');
    expect((await agent.get(`/agreements/${id}`)).text).to.contain('All eight elements must be complete');

    await fillAll(agent, id, leadId, otherId);
    const a = await AgreementModel.findById(id).lean();
    expect(a!.completeness).to.equal(8);
    expect(a!.objectives.map((o) => o.text)).to.deep.equal(['Place 40 people', 'Train 10 mentors']);
    expect(a!.funding?.currency).to.equal('CAD');
    expect((await agent.get(`/agreements/${id}`)).text).to.contain('Contributions differ from the total by');

    expect((await postForm(agent, `/agreements/${id}/transition`, { action: 'submit' }, `/agreements/${id}`)).status).to.equal(302);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('in_review');

    // A professional cannot approve.
    expect(
      (
        await postForm(
          agent,
          `/agreements/${id}/transition`,
          { action: 'approve', signatoryName: ['A'], signatoryOrg: ['B'], signatoryDate: ['2026-02-01'] },
          `/agreements/${id}`,
        )
      ).status,
    ).to.equal(403);
    const manager = await createUser({ role: 'manager', locale: 'en' });
    const mAgent = await signIn(app, manager);
    // A signed contract needs a signatory.
    expect((await postForm(mAgent, `/agreements/${id}/transition`, { action: 'approve' }, `/agreements/${id}`)).status).to.equal(303);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('in_review');
    const ok = await postForm(
      mAgent,
      `/agreements/${id}/transition`,
      { action: 'approve', signatoryName: ['Marie Roy', ''], signatoryOrg: ['Centre Accueil', ''], signatoryDate: ['2026-02-01', ''] },
      `/agreements/${id}`,
    );
    expect(ok.status).to.equal(302);
    const active = await AgreementModel.findById(id).lean();
    expect(active!.status).to.equal('active');
    expect(active!.signatories.map((s) => s.name)).to.deep.equal(['Marie Roy']);
    expect((await PartnerModel.find({ _id: { $in: [leadId, otherId] } }).lean()).map((p) => p.stage)).to.deep.equal(['active', 'active']);
    expect(await AuditModel.countDocuments({ entityId: active!._id, action: { $regex: '^status:' } })).to.equal(2);

    // Illegal: submitting an active agreement changes nothing.
    await postForm(agent, `/agreements/${id}/transition`, { action: 'submit' }, `/agreements/${id}`);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('active');

    // Two measurements move the KPI status.
    const kpiId = String(active!.kpis[0]!._id);
    await postForm(
      agent,
      `/agreements/${id}/kpis/${kpiId}/measurements`,
      { value: '2', periodEnd: '2026-06-30', comment: 'slow start' },
      `/agreements/${id}`,
    );
    const first = (await AgreementModel.findById(id).lean())!.kpis[0]!;
    expect(first.latestValue).to.equal(2);
    expect(first.status).to.equal('off_track');
    await postForm(
      agent,
      `/agreements/${id}/kpis/${kpiId}/measurements`,
      { value: '38', periodEnd: '2026-09-30', comment: '' },
      `/agreements/${id}`,
    );
    const second = (await AgreementModel.findById(id).lean())!.kpis[0]!;
    expect(second.status).to.equal('on_track');
    expect(await KpiMeasurementModel.countDocuments({ agreementId: id })).to.equal(2);
    const page = await agent.get(`/agreements/${id}`);
    expect(page.text).to.contain('On track').and.contain('<progress').and.contain('Measurements of People placed in jobs');
  });

  it('versions an active agreement: a change keeps the previous text, viewable read-only', async () => {
    const id = await draft('memorandum');
    await fillAll(agent, id, leadId, otherId);
    await AgreementModel.updateOne({ _id: id }, { $set: { status: 'active' } });
    const rev = String((await AgreementModel.findById(id).lean())!.rev);
    await postForm(agent, `/agreements/${id}/edit/purpose`, { rev, purpose: 'A new purpose' }, `/agreements/${id}`);
    // A material change waits for review: submitted, then approved by a manager who did not write it.
    await postForm(agent, `/agreements/${id}/amendment`, { action: 'submit' }, `/agreements/${id}`);
    const reviewer = await signIn(app, await createUser({ role: 'manager', locale: 'en' }));
    await postForm(reviewer, `/agreements/${id}/amendment`, { action: 'approve' }, `/agreements/${id}`);
    const v = await AgreementVersionModel.findOne({ agreementId: id }).lean();
    expect(v!.elements).to.deep.equal(['purpose']);
    expect((v!.snapshot as { purpose: string }).purpose).to.equal('Help newcomers into jobs');
    const page = await agent.get(`/agreements/${id}/versions/${String(v!._id)}`);
    expect(page.text).to.contain('Help newcomers into jobs').and.contain('read only');
  });

  it('refuses a stale edit (same revision twice) and keeps the first', async () => {
    const id = await draft();
    await postForm(agent, `/agreements/${id}/edit/purpose`, { rev: '0', purpose: 'First' }, `/agreements/${id}`);
    const second = await postForm(agent, `/agreements/${id}/edit/purpose`, { rev: '0', purpose: 'Second' }, `/agreements/${id}`);
    // The form again, with what this user typed: nothing of either edit is lost.
    expect(second.status).to.equal(409);
    expect(second.text).to.contain('Second');
    expect((await AgreementModel.findById(id).lean())!.purpose).to.equal('First');
  });

  it('renews into a linked draft and terminates only with a reason', async () => {
    const id = await draft('memorandum');
    await fillAll(agent, id, leadId, otherId);
    await AgreementModel.updateOne({ _id: id }, { $set: { status: 'active' } });
    await postForm(agent, `/agreements/${id}/transition`, { action: 'terminate', reason: '' }, `/agreements/${id}`);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('active');
    const renew = await postForm(agent, `/agreements/${id}/transition`, { action: 'renew' }, `/agreements/${id}`);
    const newId = idFrom(renew.headers.location);
    expect(newId).to.not.equal(id);
    const [old, fresh] = await Promise.all([AgreementModel.findById(id).lean(), AgreementModel.findById(newId).lean()]);
    expect(old!.status).to.equal('active'); // until the renewal is approved
    expect(String(old!.renewedToId)).to.equal(newId);
    expect(fresh!.status).to.equal('draft');
    expect(String(fresh!.renewedFromId)).to.equal(id);
    expect(fresh!.purpose).to.equal('Help newcomers into jobs');
    expect((await agent.get(`/agreements/${newId}`)).text).to.contain('Renews');
  });

  it("forbids a professional to edit another's agreement, and prints in the agreement's language", async () => {
    const id = await draft();
    const other = await createUser({ role: 'professional' });
    const oAgent = await signIn(app, other);
    expect((await postForm(oAgent, `/agreements/${id}/edit/purpose`, { rev: '0', purpose: 'x' }, '/agreements')).status).to.equal(403);
    const fr = await agent.get(`/agreements/${id}/print`);
    expect(fr.text).to.contain('<html lang="fr">').and.contain('Raison d’être').and.contain('Mécanisme de suivi');
    await AgreementModel.updateOne({ _id: id }, { $set: { language: 'en' } });
    expect((await agent.get(`/agreements/${id}/print`)).text).to.contain('Follow-up mechanism');
  });

  it('filters the list by status and by partner type', async () => {
    const id = await draft();
    await AgreementModel.create({ title: 'Other one', partnerIds: [leadId], ownerId: pro._id, status: 'active' });
    const drafts = await agent.get('/agreements?status=draft');
    expect(drafts.text).to.contain('Jobs for newcomers').and.not.contain('Other one');
    expect((await agent.get('/agreements?partnerType=school')).text)
      .to.contain('Jobs for newcomers')
      .and.not.contain('Other one');
    expect(id).to.be.a('string');
  });
});
