import { expect } from 'chai';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import { makeApp, createUser, signIn, postForm, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { AgreementModel, AgreementVersionModel } from '../../src/agreements/model.js';
import { AuditModel } from '../../src/audit/model.js';

const stored = async (id: Types.ObjectId) => (await AgreementModel.findById(id).lean())!;

describe('agreements: amendments of an active agreement go through review', () => {
  let app: Express;
  let pro: TestUser;
  let manager: TestUser;
  let admin: TestUser;
  let agent: Agent;
  let mAgent: Agent;
  let leadId: Types.ObjectId;
  let id: Types.ObjectId;
  let url: string;

  const amend = (a: Agent, move: string, fields: Record<string, string> = {}) =>
    postForm(a, `${url}/amendment`, { action: move, ...fields }, url);
  const editPurpose = async (a: Agent, purpose: string) =>
    postForm(a, `${url}/edit/purpose`, { rev: String((await stored(id)).rev), purpose }, url);

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    manager = await createUser({ role: 'manager', locale: 'en' });
    admin = await createUser({ role: 'admin', locale: 'en' });
    agent = await signIn(app, pro);
    mAgent = await signIn(app, manager);
    leadId = await makePartner(pro, 'Centre Accueil');
    id = (await fullAgreement(pro, [leadId], { status: 'active', approvedById: manager._id, approvedAt: new Date() }))._id;
    url = `/agreements/${String(id)}`;
  });

  it('keeps the approved text in force while a change is proposed, and shows the proposal to its author', async () => {
    const res = await editPurpose(agent, 'Help newcomers and their families into jobs');
    expect(res.status).to.equal(302);
    const a = await stored(id);
    expect(a.status).to.equal('active');
    expect(a.purpose).to.equal('Help newcomers into jobs');
    expect(a.amendment?.status).to.equal('draft');
    expect(a.amendment?.elements).to.deep.equal(['purpose']);
    expect(await AgreementVersionModel.countDocuments({ agreementId: id })).to.equal(0);

    const page = await agent.get(url);
    expect(page.text).to.contain('Amendment in preparation').and.contain('Purpose');
    expect(page.text).to.contain('Help newcomers into jobs'); // the page shows what is in force
    const form = await agent.get(`${url}/edit/purpose`);
    expect(form.text).to.contain('Help newcomers and their families into jobs').and.contain('amendment');
    const proposal = await agent.get(`${url}/amendment`);
    expect(proposal.status).to.equal(200);
    expect(proposal.text).to.contain('Help newcomers and their families into jobs');
  });

  it('is approved by a manager who did not write it, and only then applies, keeping the previous text as a version', async () => {
    await editPurpose(agent, 'A wider purpose');
    // Approval before submission is not possible.
    await amend(mAgent, 'approve');
    expect((await stored(id)).purpose).to.equal('Help newcomers into jobs');
    await amend(agent, 'submit');
    expect((await stored(id)).amendment?.status).to.equal('in_review');
    // The author is a professional: she cannot approve.
    expect((await amend(agent, 'approve')).status).to.equal(403);
    await amend(mAgent, 'approve');
    const a = await stored(id);
    expect(a.purpose).to.equal('A wider purpose');
    expect(a.status).to.equal('active');
    expect(a.amendment ?? null).to.equal(null);
    const versions = await AgreementVersionModel.find({ agreementId: id }).lean();
    expect(versions.map((v) => v.elements)).to.deep.equal([['purpose']]);
    expect((versions[0]!.snapshot as { purpose: string }).purpose).to.equal('Help newcomers into jobs');
    expect(await AuditModel.countDocuments({ entityId: id, action: 'amendment:approve' })).to.equal(1);
    const page = await agent.get(url);
    expect(page.text).to.contain('A wider purpose').and.not.contain('Amendment in preparation');
  });

  it('refuses approval by a manager who wrote part of the amendment; an administrator author must override, recorded', async () => {
    await editPurpose(mAgent, 'Written by the manager');
    await amend(agent, 'submit');
    await amend(mAgent, 'approve');
    const refused = await mAgent.get(url);
    expect(refused.text).to.contain('someone other than the people who wrote');
    expect((await stored(id)).purpose).to.equal('Help newcomers into jobs');

    const aAgent = await signIn(app, admin);
    await editPurpose(aAgent, 'Written by the administrator');
    await amend(agent, 'submit');
    await amend(aAgent, 'approve');
    expect((await stored(id)).purpose).to.equal('Help newcomers into jobs');
    await amend(aAgent, 'approve', { override: 'on' });
    expect((await stored(id)).purpose).to.equal('Written by the administrator');
    const audit = await AuditModel.findOne({ entityId: id, action: 'amendment:approve' }).lean();
    expect(audit!.changes.map((c) => c.field)).to.include('separationOfDuties');
  });

  it('goes back to preparation when edited during review or sent back, and can be withdrawn', async () => {
    await editPurpose(agent, 'First proposal');
    await amend(agent, 'submit');
    await editPurpose(agent, 'Second proposal');
    expect((await stored(id)).amendment?.status).to.equal('draft');
    await amend(agent, 'submit');
    await amend(mAgent, 'send_back', { comment: 'Say which families' });
    const sentBack = await stored(id);
    expect(sentBack.amendment?.status).to.equal('draft');
    expect(sentBack.amendment?.comment).to.equal('Say which families');
    await amend(agent, 'withdraw');
    const a = await stored(id);
    expect(a.amendment ?? null).to.equal(null);
    expect(a.purpose).to.equal('Help newcomers into jobs');
  });

  it('applies an administrative change (owner, team, notice) at once, without review', async () => {
    const other = await createUser({ role: 'professional', locale: 'en' });
    const a = await stored(id);
    const res = await postForm(
      agent,
      `${url}/edit/basics`,
      {
        rev: String(a.rev),
        title: a.title,
        leadPartnerId: String(leadId),
        kind: a.kind,
        language: a.language,
        ownerId: String(pro._id),
        teamIds: [String(other._id)],
        startDate: '',
        endDate: '',
        renewalNoticeDays: '90',
      },
      url,
    );
    expect(res.status).to.equal(302);
    const after = await stored(id);
    expect(after.renewalNoticeDays).to.equal(90);
    expect(after.teamIds.map(String)).to.deep.equal([String(other._id)]);
    expect(after.amendment ?? null).to.equal(null);
  });
});
