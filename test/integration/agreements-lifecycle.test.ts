import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import { makeApp, createUser, signIn, postForm, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { PartnerModel } from '../../src/partners/model.js';
import { AgreementModel, AgreementVersionModel, KpiMeasurementModel } from '../../src/agreements/model.js';
import { AuditModel } from '../../src/audit/model.js';
import { agreementStatuses, type AgreementStatus } from '../../src/agreements/constants.js';
import { transitions, type Transition } from '../../src/agreements/status.js';
import { agreementsForPartner, expireEndedAgreements } from '../../src/agreements/service.js';

const partner = makePartner;
/** The shared complete agreement, here without funding (informal agreements may say so). */
const full = (owner: TestUser, partnerIds: Types.ObjectId[], extra: Record<string, unknown> = {}) =>
  fullAgreement(owner, partnerIds, { funding: { none: true }, ...extra });

const legal = (from: AgreementStatus, t: Transition) => transitions[t].from.includes(from);

describe('agreements: lifecycle, KPIs, exports', () => {
  let app: Express;
  let pro: TestUser;
  let manager: TestUser;
  let agent: Agent;
  let mAgent: Agent;
  let leadId: Types.ObjectId;
  let otherId: Types.ObjectId;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    manager = await createUser({ role: 'manager', locale: 'en' });
    agent = await signIn(app, pro);
    mAgent = await signIn(app, manager);
    leadId = await partner(pro, 'Centre Accueil');
    otherId = await partner(pro, 'Collège Nord', 'school');
  });

  it('refuses every illegal status move with a clear message and changes nothing, when a manager tries it from each status', async () => {
    const moves: Transition[] = ['submit', 'approve', 'send_back', 'terminate', 'renew'];
    let refused = 0;
    for (const status of agreementStatuses) {
      const a = await full(pro, [leadId], { status, title: `In ${status}` });
      const before = await AgreementModel.findById(a._id).lean();
      for (const t of moves.filter((m) => !legal(status, m))) {
        const res = await postForm(
          mAgent,
          `/agreements/${String(a._id)}/transition`,
          { action: t, reason: 'x' },
          `/agreements/${String(a._id)}`,
        );
        expect(res.status, `${status} → ${t}`).to.equal(303);
        const after = await AgreementModel.findById(a._id).lean();
        expect(after!.status, `${status} → ${t}`).to.equal(status);
        expect(after!.rev).to.equal(before!.rev);
        refused += 1;
      }
      const page = await mAgent.get(`/agreements/${String(a._id)}`);
      if (status === 'active')
        expect(page.text).to.contain('“Send back to draft” is not possible for an agreement that is “Active”: nothing was changed.');
    }
    expect(refused).to.equal(moves.length * agreementStatuses.length - moves.reduce((n, m) => n + transitions[m].from.length, 0));
    expect(await AuditModel.countDocuments({ action: /^status:/ })).to.equal(0);
    // The scheduler's move is never a user's.
    const a = await full(pro, [leadId], { status: 'active' });
    expect((await postForm(mAgent, `/agreements/${String(a._id)}/transition`, { action: 'expire' }, '/agreements')).status).to.equal(403);
  });

  it('lets an administrator approve and a professional not, then moves every partner of a multi-party agreement to active', async () => {
    const admin = await createUser({ role: 'admin', locale: 'en' });
    const aAgent = await signIn(app, admin);
    const thirdId = await partner(pro, 'Employeur Sud', 'employer');
    const a = await full(pro, [leadId, otherId, thirdId], { status: 'in_review' });
    const id = String(a._id);
    expect((await postForm(agent, `/agreements/${id}/transition`, { action: 'approve' }, `/agreements/${id}`)).status).to.equal(403);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('in_review');
    // An informal memorandum needs no signatories.
    expect((await postForm(aAgent, `/agreements/${id}/transition`, { action: 'approve' }, `/agreements/${id}`)).status).to.equal(302);
    const active = await AgreementModel.findById(id).lean();
    expect(active!.status).to.equal('active');
    expect(String(active!.approvedById)).to.equal(String(admin._id));
    const stages = await PartnerModel.find({ _id: { $in: [leadId, otherId, thirdId] } }, { stage: 1 }).lean();
    expect(stages.map((p) => p.stage)).to.deep.equal(['active', 'active', 'active']);
    expect((await agreementsForPartner(thirdId)).map((x) => String(x._id))).to.deep.equal([id]);
  });

  it('sends an agreement in review back to draft with a comment, shown in its history and on the partner timeline', async () => {
    const a = await full(pro, [leadId], { status: 'draft' });
    const id = String(a._id);
    expect((await postForm(agent, `/agreements/${id}/transition`, { action: 'submit' }, `/agreements/${id}`)).status).to.equal(302);
    await postForm(mAgent, `/agreements/${id}/transition`, { action: 'send_back', comment: 'Clarify the roles' }, `/agreements/${id}`);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('draft');
    const audit = await AuditModel.find({ entityId: a._id, action: /^status:/ })
      .sort({ at: 1 })
      .lean();
    expect(audit.map((x) => x.action)).to.deep.equal(['status:submit', 'status:send_back']);
    expect(audit[1]!.note).to.equal('Clarify the roles');
    const page = await agent.get(`/agreements/${id}`);
    expect(page.text).to.contain('Send back to draft').and.contain('<q>Clarify the roles</q>').and.contain('In review → Draft');
    const partnerPage = await agent.get(`/partners/${String(leadId)}`);
    expect(partnerPage.status).to.equal(200);
    // The earlier move (to "in review") appears besides the current status.
    expect(partnerPage.text).to.match(/Agreement \(in review\)/);
  });

  it('keeps a version per approved amendment of an active agreement and shows each one read-only with what changed', async () => {
    const a = await full(pro, [leadId], { status: 'active' });
    const id = String(a._id);
    const approveAmendment = async () => {
      await postForm(agent, `/agreements/${id}/amendment`, { action: 'submit' }, `/agreements/${id}`);
      await postForm(mAgent, `/agreements/${id}/amendment`, { action: 'approve' }, `/agreements/${id}`);
    };
    const rev = async () => String((await AgreementModel.findById(id).lean())!.rev);
    await postForm(
      agent,
      `/agreements/${id}/edit/objectives`,
      { rev: await rev(), objective: ['Place 50 people', 'Train mentors'] },
      `/agreements/${id}`,
    );
    await approveAmendment();
    await postForm(
      agent,
      `/agreements/${id}/edit/kpis`,
      {
        rev: await rev(),
        kpiId: [String(a.kpis[0]!._id)],
        name: ['People placed'],
        unit: ['people'],
        baseline: ['0'],
        target: ['50'],
        direction: ['increase'],
        frequency: ['quarterly'],
        dataSource: [''],
      },
      `/agreements/${id}`,
    );
    await approveAmendment();
    const versions = await AgreementVersionModel.find({ agreementId: a._id }).sort({ rev: 1 }).lean();
    expect(versions.map((v) => [v.elements[0], v.byName])).to.deep.equal([
      ['objectives', pro.name],
      ['kpis', pro.name],
    ]);
    const now = await AgreementModel.findById(id).lean();
    expect(now!.kpis[0]!.target).to.equal(50);
    expect(String(now!.kpis[0]!._id)).to.equal(String(a.kpis[0]!._id)); // the KPI keeps its id (and measurements)
    const v0 = await agent.get(`/agreements/${id}/versions/${String(versions[0]!._id)}`);
    expect(v0.text).to.contain('Place 40 people').and.not.contain('Place 50 people');
    const show = await agent.get(`/agreements/${id}`);
    expect(show.text)
      .to.contain('Changed in the amendment: Strategic objectives')
      .and.contain('Amendment approved')
      .and.contain(`/versions/${String(versions[1]!._id)}`);
    // A draft keeps no versions.
    const d = await full(pro, [leadId]);
    await postForm(agent, `/agreements/${String(d._id)}/edit/purpose`, { rev: '0', purpose: 'Other' }, `/agreements/${String(d._id)}`);
    expect(await AgreementVersionModel.countDocuments({ agreementId: d._id })).to.equal(0);
  });

  it('computes KPI status for decrease, maintain and baseline-equals-target KPIs, and follows thresholds an admin sets', async () => {
    const a = await full(pro, [leadId], {
      status: 'active',
      kpis: [
        { name: 'Wait time', unit: 'hours', baseline: 10, target: 4, direction: 'decrease' },
        { name: 'Satisfaction', unit: 'percent', baseline: 90, target: 90, direction: 'maintain' },
        { name: 'Mentors', unit: 'people', baseline: 5, target: 5, direction: 'increase' },
      ],
    });
    const id = String(a._id);
    const record = (k: number, value: string, periodEnd: string) =>
      postForm(
        agent,
        `/agreements/${id}/kpis/${String(a.kpis[k]!._id)}/measurements`,
        { value, periodEnd, comment: '' },
        `/agreements/${id}`,
      );
    const statuses = async () => (await AgreementModel.findById(id).lean())!.kpis.map((k) => k.status);
    await record(0, '7', '2026-03-31'); // half way down: 50 % of the target (no dates: all is expected now)
    await record(1, '70', '2026-03-31'); // 22 % below a maintained target
    await record(2, '4', '2026-03-31'); // below a baseline equal to the target
    expect(await statuses()).to.deep.equal(['off_track', 'at_risk', 'off_track']);
    await record(0, '3', '2026-06-30'); // past the target downward
    await record(1, '91', '2026-06-30');
    await record(2, '6', '2026-06-30'); // beyond the target
    expect(await statuses()).to.deep.equal(['on_track', 'on_track', 'on_track']);
    const page = await agent.get(`/agreements/${id}`);
    expect(page.text).to.contain('trending down').and.contain('class="kpi-chart"').and.contain('data-values="[7,3]"');
    expect(page.text).to.contain('Measurements of Wait time'); // the table alternative is always there

    // A stricter on-track threshold from the administrator turns a KPI at 75 % "at risk" instead of "on track".
    await record(0, '5.5', '2026-07-31'); // 75 %
    const admin = await createUser({ role: 'admin', locale: 'en' });
    const aAgent = await signIn(app, admin);
    expect(
      (await postForm(agent, '/admin/kpi-thresholds', { onTrack: '0.7', atRisk: '0.5', maintainTolerance: '0.05' }, '/agreements')).status,
    ).to.equal(403);
    const bad = await postForm(
      aAgent,
      '/admin/kpi-thresholds',
      { onTrack: '0.5', atRisk: '0.7', maintainTolerance: '0.05' },
      '/admin/kpi-thresholds',
    );
    expect(bad.status).to.equal(422);
    await postForm(aAgent, '/admin/kpi-thresholds', { onTrack: '0.7', atRisk: '0.5', maintainTolerance: '0.05' }, '/admin/kpi-thresholds');
    await record(0, '5.5', '2026-08-31');
    expect((await statuses())[0]).to.equal('on_track');
    await postForm(aAgent, '/admin/kpi-thresholds', { onTrack: '0.95', atRisk: '0.5', maintainTolerance: '0.05' }, '/admin/kpi-thresholds');
    await record(0, '5.5', '2026-09-30');
    expect((await statuses())[0]).to.equal('at_risk');
    expect(await KpiMeasurementModel.countDocuments({ agreementId: a._id })).to.equal(9);
  });

  it('warns when contributions do not add up to the total, and accepts "no funding" only for an informal agreement', async () => {
    const a = await full(pro, [leadId, otherId], { kind: 'contract', funding: { none: false }, completeness: 7 });
    const id = String(a._id);
    await postForm(agent, `/agreements/${id}/edit/funding`, { rev: '0', none: 'on', total: '' }, `/agreements/${id}`);
    let page = await agent.get(`/agreements/${id}`);
    expect(page.text).to.contain('Completeness: 7 / 8');
    await postForm(
      agent,
      `/agreements/${id}/edit/funding`,
      {
        rev: '1',
        total: '12000',
        currency: '',
        party: [String(leadId), String(otherId), ''],
        kind: ['cash', 'in_kind', 'cash'],
        value: ['5000', '4500', ''],
        description: ['', 'Rooms', ''],
      },
      `/agreements/${id}`,
    );
    const saved = await AgreementModel.findById(id).lean();
    expect(saved!.funding!.currency).to.equal('CAD');
    expect(saved!.funding!.contributions.map((c) => c.value)).to.deep.equal([5000, 4500]);
    page = await agent.get(`/agreements/${id}`);
    expect(page.text).to.contain('Completeness: 8 / 8').and.contain('Contributions differ from the total by');
    await postForm(
      agent,
      `/agreements/${id}/edit/funding`,
      {
        rev: '2',
        total: '9500',
        currency: 'CAD',
        party: [String(leadId), String(otherId)],
        kind: ['cash', 'in_kind'],
        value: ['5000', '4500'],
        description: ['', ''],
      },
      `/agreements/${id}`,
    );
    page = await agent.get(`/agreements/${id}`);
    expect(page.text).to.not.contain('Contributions differ from the total by');
  });

  it('exports the filtered agreements and their KPI measurements as CSV', async () => {
    const a = await full(pro, [leadId, otherId], { status: 'active', title: '=Alpha' });
    await full(pro, [leadId], { status: 'draft', title: 'Beta' });
    await KpiMeasurementModel.insertMany([
      { agreementId: a._id, kpiId: a.kpis[0]!._id, value: 12, periodEnd: new Date('2026-03-31T12:00:00Z'), recordedByName: 'Ana' },
      { agreementId: a._id, kpiId: a.kpis[0]!._id, value: 20, periodEnd: new Date('2026-06-30T12:00:00Z'), recordedByName: 'Ana' },
    ]);
    const res = await agent.get('/agreements/export.csv?status=active');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('text/csv');
    const lines = res.text.replace('\uFEFF', '').trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^title,status,kind/);
    expect(lines[1]).to.contain("'=Alpha").and.contain('Centre Accueil | Collège Nord').and.contain('8/8');
    const m = await agent.get('/agreements/measurements.csv?status=active&from=2026-06-01');
    const mLines = m.text.replace('\uFEFF', '').trim().split('\n');
    expect(mLines).to.have.length(2);
    expect(mLines[1]).to.contain('People placed').and.contain('2026-06-30').and.contain(',20,');
    expect((await agent.get('/agreements/measurements.csv?status=draft')).text.trim().split('\n')).to.have.length(1);
  });

  it('expires active agreements whose end date has passed, by the clock it is given, and leaves the others', async () => {
    const ended = await full(pro, [leadId], { status: 'active', endDate: new Date('2026-05-31T12:00:00Z') });
    const running = await full(pro, [leadId], { status: 'active', endDate: new Date('2026-12-31T12:00:00Z') });
    const draft = await full(pro, [leadId], { status: 'draft', endDate: new Date('2026-01-31T12:00:00Z') });
    expect(await expireEndedAgreements(new Date('2026-06-15T00:00:00Z'))).to.equal(1);
    const after = await AgreementModel.find({ _id: { $in: [ended._id, running._id, draft._id] } }, { status: 1 }).lean();
    const byId = new Map(after.map((x) => [String(x._id), x.status]));
    expect([byId.get(String(ended._id)), byId.get(String(running._id)), byId.get(String(draft._id))]).to.deep.equal([
      'expired',
      'active',
      'draft',
    ]);
    expect(await expireEndedAgreements(new Date('2026-06-16T00:00:00Z'))).to.equal(0);
    // An expired agreement can still be renewed into a linked draft.
    const renew = await postForm(
      agent,
      `/agreements/${String(ended._id)}/transition`,
      { action: 'renew' },
      `/agreements/${String(ended._id)}`,
    );
    expect(renew.status).to.equal(302);
    const fresh = await AgreementModel.findOne({ renewedFromId: ended._id }).lean();
    expect(fresh!.status).to.equal('draft');
    expect((await agent.get(`/agreements/${String(ended._id)}`)).text).to.contain(`/agreements/${String(fresh!._id)}`);
  });

  it('filters the list by owner, KPI status and ending within N days', async () => {
    const other = await createUser({ role: 'professional', locale: 'en' });
    const soon = new Date(Date.now() + 20 * 86400_000);
    await full(pro, [leadId], { title: 'Ends soon', status: 'active', endDate: soon });
    await full(other, [leadId], {
      title: 'Someone else',
      status: 'active',
      kpis: [{ name: 'K', baseline: 0, target: 1, direction: 'increase', status: 'off_track' }],
    });
    const mine = await agent.get('/agreements?owner=me');
    expect(mine.text).to.contain('Ends soon').and.not.contain('Someone else');
    const off = await agent.get('/agreements?kpiStatus=off_track');
    expect(off.text).to.contain('Someone else').and.not.contain('Ends soon');
    const ending = await agent.get('/agreements?endingWithin=30');
    expect(ending.text).to.contain('Ends soon').and.not.contain('Someone else');
    expect((await agent.get('/agreements?endingWithin=10')).text).to.not.contain('Ends soon');
    expect(ending.text).to.contain('/agreements/export.csv?endingWithin=30');
  });

  it('names each element as missing when its required part is emptied, on the page and in the list', async () => {
    const emptied: Record<string, Record<string, string | string[]>> = {
      purpose: { purpose: '  ' },
      governance: { type: 'informal', decisionProcess: 'By email' }, // no roles
      objectives: { objective: ['', ''] },
      resources: { what: [''], provider: [''], forWhom: [''] },
      funding: { total: '500' }, // neither "none" nor a contribution
      communication: { channels: 'email', frequency: '' },
      kpis: { kpiId: [''], name: [''], unit: ['number'], baseline: [''], target: [''], direction: ['increase'] },
      followUp: { checkFrequency: 'monthly', meetingCadence: '' },
    };
    for (const [element, fields] of Object.entries(emptied)) {
      const a = await full(pro, [leadId], { title: `Agreement without ${element}` });
      const id = String(a._id);
      const res = await postForm(agent, `/agreements/${id}/edit/${element}`, { rev: '0', ...fields }, `/agreements/${id}`);
      expect(res.status, element).to.equal(302);
      const saved = await AgreementModel.findById(id).lean();
      expect(saved!.completeness, element).to.equal(7);
      const page = await agent.get(`/agreements/${id}`);
      expect(page.text, element).to.contain('Completeness: 7 / 8').and.contain(`<li><a href="#${element}">`);
      const refused = await postForm(agent, `/agreements/${id}/transition`, { action: 'submit' }, `/agreements/${id}`);
      expect(refused.status, element).to.equal(303);
      expect((await AgreementModel.findById(id).lean())!.status, element).to.equal('draft');
    }
    const list = await agent.get('/agreements');
    expect(list.text.match(/<td>7 \/ 8<\/td>/g)).to.have.length(8);
  });

  it('records a measurement for a period, refusing a period that ends before it starts', async () => {
    const a = await full(pro, [leadId], { status: 'active' });
    const url = `/agreements/${String(a._id)}/kpis/${String(a.kpis[0]!._id)}/measurements`;
    const bad = await postForm(
      agent,
      url,
      { value: '4', periodStart: '2026-07-01', periodEnd: '2026-06-30' },
      `/agreements/${String(a._id)}`,
    );
    expect(bad.status).to.equal(303);
    expect(await KpiMeasurementModel.countDocuments({ agreementId: a._id })).to.equal(0);
    await postForm(
      agent,
      url,
      { value: '4', periodStart: '2026-04-01', periodEnd: '2026-06-30', comment: 'Q2' },
      `/agreements/${String(a._id)}`,
    );
    const m = await KpiMeasurementModel.findOne({ agreementId: a._id }).lean();
    expect(m!.periodStart!.toISOString().slice(0, 10)).to.equal('2026-04-01');
    expect(m!.recordedByName).to.equal(pro.name);
    const csv = await agent.get('/agreements/measurements.csv');
    expect(csv.text).to.contain('2026-04-01,2026-06-30,4,Q2');
  });
});
