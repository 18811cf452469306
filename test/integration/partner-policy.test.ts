import { expect } from 'chai';
import type { Express } from 'express';
import { createUser, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement } from '../helpers/agreements.js';
import { PartnerModel, StageChangeModel } from '../../src/partners/model.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { foldText } from '../../src/util/text.js';

// One answer to "may this user write on this partner" (src/partners/policy.ts), asked by the
// agreements and meetings whose writes reach a partner: its stage, its contacts' mailboxes.

async function partnerOf(owner: TestUser, name: string) {
  const p = await PartnerModel.create({
    name,
    nameFolded: foldText(name),
    searchFolded: foldText(name),
    type: 'community',
    ownerId: owner._id,
    stage: 'exploring',
    contacts: [{ name: `${name} Contact`, email: `${foldText(name).replace(/\W/g, '')}@partner.test`, emailConsent: true, primary: true }],
  });
  return p;
}

const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);

describe('partner policy: writes that reach another professional’s partner', () => {
  let app: Express;
  let owner: TestUser;
  let other: TestUser;
  let agent: Agent;

  beforeEach(async () => {
    app ??= await makeApp();
    await clearDatabase();
    owner = await createUser({ role: 'professional', locale: 'en' });
    other = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, other);
  });

  const basics = (lead: string, others: string[] = []) => ({
    title: 'Side door',
    leadPartnerId: lead,
    otherPartnerIds: others,
    kind: 'memorandum',
    language: 'en',
    ownerId: String(other._id),
    startDate: '',
    endDate: '',
    renewalNoticeDays: '60',
  });

  it('a professional drafting an agreement with another’s partner is refused by name; the partner’s stage does not move', async () => {
    const theirs = await partnerOf(owner, 'Centre Theirs');
    const mine = await partnerOf(other, 'Centre Mine');
    const res = await postForm(agent, '/agreements', basics(String(mine._id), [String(theirs._id)]), '/agreements/new');
    expect(res.status).to.equal(303);
    expect(await AgreementModel.countDocuments({})).to.equal(0);
    expect((await agent.get(String(res.headers.location))).text).to.contain('You may not name Centre Theirs in an agreement');
    expect((await PartnerModel.findById(theirs._id).lean())!.stage).to.equal('exploring');
    expect(await StageChangeModel.countDocuments({ partnerId: theirs._id })).to.equal(0);
  });

  it('a team member editing the basics keeps the partners already named, and may not add another’s partner', async () => {
    const theirs = await partnerOf(owner, 'Centre Theirs');
    const second = await partnerOf(owner, 'Centre Second');
    const a = await fullAgreement(owner, [theirs._id], { teamIds: [other._id] });
    const url = `/agreements/${String(a._id)}/edit/basics`;
    const kept = await postForm(
      agent,
      url,
      { ...basics(String(theirs._id)), ownerId: String(owner._id), teamIds: [String(other._id)], rev: '0' },
      url,
    );
    expect(kept.status).to.equal(302);
    expect((await AgreementModel.findById(a._id).lean())!.title).to.equal('Side door');
    const added = await postForm(
      agent,
      url,
      { ...basics(String(theirs._id), [String(second._id)]), ownerId: String(owner._id), teamIds: [String(other._id)], rev: '1' },
      url,
    );
    expect(added.status).to.equal(303);
    expect((await AgreementModel.findById(a._id).lean())!.partnerIds.map(String)).to.deep.equal([String(theirs._id)]);
  });

  const meeting = (partnerId: string, contactId: string, agreementId = '') => ({
    kind: 'planning',
    title: 'Invites their contact',
    partnerId,
    agreementId,
    date: day(10),
    time: '10:00',
    durationMinutes: '60',
    zone: 'America/Toronto',
    cadence: 'none',
    ...(contactId ? { [`contact_${contactId}`]: 'on' } : {}),
  });

  it('a meeting on another’s partner may not invite its contacts (nothing saved, no mail queued); without them it is scheduled', async () => {
    const theirs = await partnerOf(owner, 'Centre Theirs');
    const refused = await postForm(agent, '/meetings', meeting(String(theirs._id), String(theirs.contacts[0]!._id)), '/meetings/new');
    expect(refused.status).to.equal(303);
    expect((await agent.get(String(refused.headers.location))).text).to.contain('You may not invite the contacts of Centre Theirs');
    expect(await MeetingModel.countDocuments({})).to.equal(0);
    expect(await OutboxModel.countDocuments({})).to.equal(0);
    const internal = await postForm(agent, '/meetings', meeting(String(theirs._id), ''), '/meetings/new');
    expect(internal.status).to.equal(302);
    expect(await MeetingModel.countDocuments({})).to.equal(1);
    expect(await OutboxModel.countDocuments({ to: theirs.contacts[0]!.email })).to.equal(0);
  });

  it('the team of an agreement with the partner may invite its contacts to a meeting for that agreement', async () => {
    const theirs = await partnerOf(owner, 'Centre Theirs');
    const a = await fullAgreement(owner, [theirs._id], { teamIds: [other._id] });
    const res = await postForm(
      agent,
      '/meetings',
      meeting(String(theirs._id), String(theirs.contacts[0]!._id), String(a._id)),
      '/meetings/new',
    );
    expect(res.status).to.equal(302);
    expect((await MeetingModel.findOne({}).lean())!.attendees.map((x) => x.email)).to.include(theirs.contacts[0]!.email);
  });
});
