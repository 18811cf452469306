import { expect } from 'chai';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import { makeApp, createUser, signIn, postForm, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { AuditModel } from '../../src/audit/model.js';

describe('agreements: separation of duties on approval', () => {
  let app: Express;
  let pro: TestUser;
  let leadId: Types.ObjectId;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    leadId = await makePartner(pro, 'Centre Accueil');
  });

  const approve = (agent: Agent, id: string, fields: Record<string, string> = {}) =>
    postForm(agent, `/agreements/${id}/transition`, { action: 'approve', ...fields }, `/agreements/${id}`);
  const statusOf = async (id: string) => (await AgreementModel.findById(id).lean())!.status;

  it('refuses the approval of a manager who owns the agreement or is on its team, does not offer it, and lets another manager approve', async () => {
    const owner = await createUser({ role: 'manager', locale: 'en', name: 'Olga Owner' });
    const member = await createUser({ role: 'manager', locale: 'en', name: 'Tom Team' });
    const other = await createUser({ role: 'manager', locale: 'en', name: 'Rita Reviewer' });
    const a = await fullAgreement(owner, [leadId], { status: 'in_review', teamIds: [member._id] });
    const id = String(a._id);
    for (const user of [owner, member]) {
      const agent = await signIn(app, user);
      const page = await agent.get(`/agreements/${id}`);
      expect(page.text, user.name).to.not.contain('name="action" value="approve"');
      expect(page.text, user.name).to.contain('another manager must approve it');
      expect((await approve(agent, id, { override: 'on' })).status, user.name).to.equal(303);
      expect(await statusOf(id), user.name).to.equal('in_review');
      expect((await agent.get(`/agreements/${id}`)).text, user.name).to.contain(
        'Approval must come from someone other than the people who wrote what is approved',
      );
    }
    expect(await AuditModel.countDocuments({ entityId: a._id, action: 'status:approve' })).to.equal(0);
    const oAgent = await signIn(app, other);
    expect((await approve(oAgent, id, { override: 'on' })).status).to.equal(302);
    const approved = await AgreementModel.findById(id).lean();
    expect([approved!.status, String(approved!.approvedById), approved!.approvalOverride]).to.deep.equal([
      'active',
      String(other._id),
      false,
    ]);
    expect((await oAgent.get(`/agreements/${id}`)).text).to.not.contain('override of separation of duties');
  });

  it('lets an administrator who owns the agreement approve only with the explicit override, recorded in the audit and the history', async () => {
    const admin = await createUser({ role: 'admin', locale: 'en', name: 'Ada Admin' });
    const agent = await signIn(app, admin);
    const a = await fullAgreement(admin, [leadId], { status: 'in_review' });
    const id = String(a._id);
    const page = await agent.get(`/agreements/${id}`);
    expect(page.text).to.contain('name="override"').and.contain('Override the separation of duties');
    expect((await approve(agent, id)).status).to.equal(303);
    expect(await statusOf(id)).to.equal('in_review');
    expect((await agent.get(`/agreements/${id}`)).text).to.contain('tick the override');

    expect((await approve(agent, id, { override: 'on' })).status).to.equal(302);
    const approved = await AgreementModel.findById(id).lean();
    expect([approved!.status, approved!.approvalOverride]).to.deep.equal(['active', true]);
    const entry = await AuditModel.findOne({ entityId: a._id, action: 'status:approve' }).lean();
    expect(entry!.changes.map((c) => [c.field, c.to])).to.deep.equal([
      ['status', 'active'],
      ['separationOfDuties', 'overridden'],
    ]);
    const after = await agent.get(`/agreements/${id}`);
    expect(after.text).to.contain('Ada Admin (override of separation of duties)');
    expect(after.text.match(/override of separation of duties/g)).to.have.length(2); // essentials and history

    // A professional still cannot approve at all.
    const b = await fullAgreement(pro, [leadId], { status: 'in_review' });
    const pAgent = await signIn(app, pro);
    expect((await approve(pAgent, String(b._id), { override: 'on' })).status).to.equal(403);
  });
});
