// Partner contacts are mailed only with their consent and until they opt out: one rule, asked by
// every kind of message that goes to a contact; the unsubscribe link of each message works; the
// owner is told who was asked for a follow-up and who could not be.
import { expect } from 'chai';
import { meetingRev } from '../helpers/meeting-mail.js';
import type { Express } from 'express';
import supertest from 'supertest';
import { clearDatabase } from '../helpers/db.js';
import { createUser, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { getTestSmtp, type ReceivedMail } from '../helpers/smtp.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { deliverUntilIdle } from '../../src/reminders/deliver.js';
import { enqueueDue } from '../../src/reminders/kinds.js';
import { reminderTick } from '../../src/reminders/jobs.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { mayEmailContact } from '../../src/reminders/consent.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const received = (to: string): ReceivedMail[] => getTestSmtp().messages.filter((m) => m.to.includes(to));
const JULIE = 'julie@cje.example';
const NOE = 'noe@cje.example';
const SAM = 'sam@cje.example';

describe('partner contacts: consent and opt-out', () => {
  let app: Express;
  let owner: TestUser;
  let agent: Agent;
  let partnerId: string;
  let ids: Record<'julie' | 'noe' | 'sam', string>;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
    owner = await createUser({ role: 'professional', locale: 'en', name: 'Olivia Owner' });
    agent = await signIn(app, owner);
    const p = await PartnerModel.create({
      name: 'Carrefour jeunesse-emploi',
      nameFolded: 'carrefour jeunesse-emploi',
      type: 'community',
      ownerId: owner._id,
      stage: 'active',
      contacts: [
        { name: 'Julie Tremblay', email: JULIE, locale: 'fr', primary: true, emailConsent: true },
        { name: 'Noé Gagnon', email: NOE, locale: 'fr', primary: true, emailConsent: false },
        { name: 'Sam Lee', email: SAM, locale: 'en', emailConsent: true },
      ],
    });
    partnerId = String(p._id);
    const [julie, noe, sam] = p.contacts.map((c) => String(c._id));
    ids = { julie: julie!, noe: noe!, sam: sam! };
  });

  async function schedule(contacts: string[], title = 'Planning') {
    const res = await postForm(agent, '/meetings', {
      kind: 'planning',
      title,
      partnerId,
      agreementId: '',
      date: '2027-03-10',
      time: '09:00',
      durationMinutes: '60',
      zone: 'America/Toronto',
      cadence: 'none',
      monthlyMode: 'date',
      endMode: 'count',
      count: '1',
      location: 'Salle Boréale',
      [`user_${String(owner._id)}`]: 'on',
      ...Object.fromEntries(contacts.map((c) => [`contact_${c}`, 'on'])),
    });
    expect(res.status).to.equal(302);
    return (await MeetingModel.findOne({ title }).lean())!;
  }

  const move = async (id: string, time: string) =>
    postForm(
      agent,
      `/meetings/${id}/occurrence`,
      {
        title: 'Planning',
        date: '2027-03-10',
        time,
        durationMinutes: '60',
        location: '',
        videoUrl: '',
        scope: 'one',
        rev: await meetingRev(id),
      },
      `/meetings/${id}`,
    );

  async function followUpDue(daysAgo = 1) {
    return AgreementModel.create({
      title: 'Mentorat',
      partnerIds: [partnerId],
      ownerId: owner._id,
      status: 'active',
      startDate: new Date(Date.now() - 200 * DAY),
      followUp: { checkFrequency: 'quarterly', nextCheckDue: new Date(Date.now() - daysAgo * DAY) },
      kpis: [{ name: 'Jeunes accompagnés', baseline: 0, target: 40 }],
    });
  }

  it('the rule: an address, consent and no opt-out; a cancellation reaches those who received the invitation', () => {
    const ok = { email: 'a@b.example', emailConsent: true, optedOut: false };
    expect(mayEmailContact(ok, 'meeting_reminder')).to.equal(true);
    expect(mayEmailContact({ ...ok, emailConsent: false }, 'meeting_reminder')).to.equal(false);
    expect(mayEmailContact({ ...ok, optedOut: true }, 'followup_request')).to.equal(false);
    expect(mayEmailContact({ ...ok, email: '' }, 'meeting_invitation')).to.equal(false);
    expect(mayEmailContact({ ...ok, optedOut: true }, 'meeting_cancelled')).to.equal(false);
    expect(mayEmailContact({ ...ok, optedOut: true }, 'meeting_cancelled', { receivedInvitation: true })).to.equal(true);
    expect(mayEmailContact({ ...ok, optedOut: true }, 'meeting_invitation', { receivedInvitation: true })).to.equal(false);
  });

  it('a contact whose email consent is “No” gets no invitation, update or reminder; a consenting one gets each', async () => {
    const m = await schedule([ids.julie, ids.noe]);
    expect((await move(String(m._id), '10:00')).status).to.equal(302);
    await reminderTick(new Date(m.start.getTime() + HOUR - 23 * HOUR));
    expect(received(NOE)).to.have.length(0);
    const toJulie = received(JULIE).map((x) => x.subject.replace(/\s:.*/, ''));
    expect(toJulie.sort()).to.deep.equal(['Invitation', 'Mise à jour', 'Rappel']); // invitation, update, reminder
    expect(await OutboxModel.countDocuments({ to: NOE })).to.equal(0);
  });

  it('follow-up: an opted-out or non-consenting primary contact is not asked; the partner’s other consenting contact is; the owner is told who and why', async () => {
    await PartnerModel.updateOne({ _id: partnerId }, { $set: { 'contacts.0.optedOut': true } });
    const a = await followUpDue();
    await reminderTick();
    expect(received(JULIE)).to.have.length(0);
    expect(received(NOE)).to.have.length(0);
    expect(received(SAM).map((x) => x.subject)).to.deep.equal(['Your update on our partnership: Mentorat']);
    const [toOwner] = received(owner.email).filter((x) => x.subject === 'Progress check due: Mentorat');
    expect(toOwner!.text).to.match(/asked[^\n]*Sam Lee \(Carrefour jeunesse-emploi\)/);
    expect(toOwner!.text).to.match(/Julie Tremblay \(Carrefour jeunesse-emploi\): unsubscribed/);
    expect(toOwner!.text).to.match(/Noé Gagnon \(Carrefour jeunesse-emploi\): no consent to email/);
    expect(toOwner!.text).not.to.match(/asked[^\n]*Julie/);
    // The owner's page for the check due says the same.
    const page = await agent.get(`/agreements/${String(a._id)}/progress/new`);
    expect(page.status).to.equal(200);
    const section = /id="followup-requests"[\s\S]*?<\/section>/.exec(page.text)![0];
    expect(section).to.contain('Sam Lee').and.contain('Waiting for the answer');
    expect(section)
      .to.match(/Julie Tremblay[\s\S]*unsubscribed/)
      .and.match(/Noé Gagnon[\s\S]*no consent to email/);
  });

  it('nobody reachable: nobody is asked, and the owner is told so', async () => {
    await PartnerModel.updateOne({ _id: partnerId }, { $set: { 'contacts.0.optedOut': true, 'contacts.2.emailConsent': false } });
    await followUpDue();
    await reminderTick();
    expect(getTestSmtp().messages.map((x) => x.to[0])).to.deep.equal([owner.email]);
    expect(received(owner.email)[0]!.text).to.contain('No partner contact could be asked');
  });

  it('the unsubscribe link of a received mail works: its page speaks the contact’s language, and nothing more is sent', async () => {
    const m = await schedule([ids.sam, ids.julie]);
    await deliverUntilIdle();
    // Reminders enqueued before the opt-out, to be delivered after it.
    await enqueueDue('tick', new Date(m.start.getTime() - 23 * HOUR));
    expect(await OutboxModel.countDocuments({ to: SAM, kind: 'meeting_reminder', state: 'pending' })).to.equal(1);
    const [invitation] = received(SAM);
    const link = /http:\/\/passerelle\.test(\/p\/optout\/[\w.-]+)/.exec(invitation!.text)?.[1];
    expect(link, 'an unsubscribe link in the text').to.be.a('string');
    expect(invitation!.html).to.contain(`href="http://passerelle.test${link!}"`);
    // The browser says French; Sam reads English.
    const visitor = supertest.agent(app);
    const page = await visitor.get(link!).set('Accept-Language', 'fr-CA,fr;q=0.9');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<html lang="en"').and.contain('Stop receiving emails');
    const action = /<form method="post" action="(\/p\/optout\/[^"]+)"/.exec(page.text)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const done = await visitor.post(action).set('Accept-Language', 'fr').type('form').send({ _csrf: csrf });
    expect(done.status).to.equal(200);
    expect(done.text).to.contain('<html lang="en"').and.contain('You are unsubscribed');
    expect((await PartnerModel.findById(partnerId).lean())!.contacts[2]!.optedOut).to.equal(true);

    // Nothing more: the reminder already waiting, an update, a new invitation, a follow-up request.
    getTestSmtp().clear();
    await PartnerModel.updateOne({ _id: partnerId }, { $set: { 'contacts.0.primary': false } }); // Sam could be asked
    await move(String(m._id), '11:00');
    await schedule([ids.sam], 'Second meeting');
    await followUpDue();
    await reminderTick();
    await reminderTick(new Date(m.start.getTime() - 22 * HOUR));
    await reminderTick(new Date(m.start.getTime() + 2 * HOUR - 23 * HOUR));
    expect(received(SAM)).to.have.length(0);
    expect(received(JULIE).length).to.be.greaterThan(0);
    const skipped = await OutboxModel.find({ to: SAM, state: 'skipped' }).lean();
    expect(skipped.map((x) => x.kind)).to.include('meeting_reminder');
  });

  it('a cancellation reaches a contact who received the invitation and opted out since; not one who never got it', async () => {
    await PartnerModel.updateOne({ _id: partnerId }, { $set: { 'contacts.2.optedOut': true } });
    const m = await schedule([ids.julie, ids.sam]);
    await deliverUntilIdle();
    expect(received(SAM)).to.have.length(0);
    const julieLink = /http:\/\/passerelle\.test(\/p\/optout\/[\w.-]+)/.exec(received(JULIE)[0]!.text)![1]!;
    expect((await supertest(app).post(julieLink).type('form').send({ 'List-Unsubscribe': 'One-Click' })).status).to.equal(200);
    expect((await postForm(agent, `/meetings/${String(m._id)}/cancel`, {}, `/meetings/${String(m._id)}`)).status).to.equal(302);
    await deliverUntilIdle();
    expect(received(JULIE).map((x) => x.subject)).to.have.length(2);
    expect(received(JULIE)[1]!.subject).to.match(/^Annulée\u202f: /);
    expect(received(SAM)).to.have.length(0);
  });
});
