import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { clearDatabase, connectTestDatabase } from '../helpers/db.js';
import { createUser, makeApp, postForm, signIn, type TestUser } from '../helpers/app.js';
import { getTestSmtp, startSmtp, type ReceivedMail } from '../helpers/smtp.js';
import nodemailer, { type Transporter } from 'nodemailer';
import { AgreementModel, KpiMeasurementModel } from '../../src/agreements/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { TaskModel } from '../../src/tasks/model.js';
import { ProgressCheckModel } from '../../src/progress/model.js';
import { AuditModel } from '../../src/audit/model.js';
import { config } from '../../src/config.js';
import type { Mailer } from '../../src/mail/transport.js';
import { enqueueMessage } from '../../src/reminders/enqueue.js';
import { deliverUntilIdle, backoffMs } from '../../src/reminders/deliver.js';
import { enqueueDue } from '../../src/reminders/kinds.js';
import { reminderTick, weeklyDigest } from '../../src/reminders/jobs.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { FollowUpRequestModel, FollowUpResponseModel } from '../../src/reminders/followup-response.model.js';
import { signLink, expIn } from '../../src/reminders/links.js';

const DAY = 86400_000;
const at = (iso: string) => new Date(iso);

async function makePartner(
  owner: TestUser,
  opts: {
    lastActivityAt?: Date;
    contacts?: { name: string; email: string; locale: 'fr' | 'en'; primary?: boolean; emailConsent?: boolean }[];
  } = {},
) {
  return PartnerModel.create({
    name: 'Carrefour jeunesse-emploi',
    nameFolded: 'carrefour jeunesse-emploi',
    type: 'community',
    ownerId: owner._id,
    stage: 'active',
    lastActivityAt: opts.lastActivityAt ?? new Date(),
    contacts: opts.contacts ?? [
      { name: 'Julie Tremblay', email: 'julie@cje.example', locale: 'fr', primary: true, emailConsent: true },
      { name: 'Sam Lee', email: 'sam@cje.example', locale: 'en', emailConsent: true },
    ],
  });
}

const listUnsubscribe = (m: ReceivedMail): string => /^List-Unsubscribe:\s*(<[^>]+>)/im.exec(m.raw)?.[1] ?? '';
const received = (to: string): ReceivedMail[] => getTestSmtp().messages.filter((m) => m.to.includes(to));

describe('reminders: what is sent, when, to whom, in which language', () => {
  before(connectTestDatabase);
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
  });

  it('overdue task: nothing before the due date, then one reminder in the owner’s language, once', async () => {
    const fr = await createUser({ locale: 'fr', name: 'Élise Roy' });
    await TaskModel.create({ title: 'Appeler la directrice', ownerId: fr._id, dueDate: at('2026-03-10T12:00:00Z') });
    expect(await enqueueDue('tick', at('2026-03-09T12:00:00Z'))).to.equal(0);
    await reminderTick(at('2026-03-11T12:00:00Z'));
    await reminderTick(at('2026-03-11T12:01:00Z'));
    const mails = received(fr.email);
    expect(mails).to.have.length(1);
    expect(mails[0]!.subject).to.equal('Tâche en retard\u202f: Appeler la directrice');
    expect(mails[0]!.text).to.contain('Bonjour Élise Roy');
    expect(mails[0]!.html).to.contain('<html lang="fr">');
    expect(mails[0]!.from).to.contain('no-reply@passerelle.local');
    expect(mails[0]!.messageId).to.match(/^<outbox-[a-f0-9]{24}@passerelle\.local>$/);
    const row = await OutboxModel.findOne({ kind: 'task_overdue' }).lean();
    expect(row).to.include({ state: 'sent', attempts: 1 });
    expect(row!.response).to.match(/^250/);
  });

  it('renewal notice: to owner and team, each in their language, once the notice period before the end has begun', async () => {
    const owner = await createUser({ locale: 'en' });
    const team = await createUser({ locale: 'fr' });
    const partner = await makePartner(owner);
    await AgreementModel.create({
      title: 'Stage d’été',
      partnerIds: [partner._id],
      ownerId: owner._id,
      teamIds: [team._id],
      status: 'active',
      endDate: at('2026-06-30T16:00:00Z'),
      renewalNoticeDays: 60,
    });
    expect(await enqueueDue('tick', at('2026-04-30T00:00:00Z'))).to.equal(0); // 61 days before
    await reminderTick(at('2026-05-02T00:00:00Z'));
    expect(received(owner.email).map((m) => m.subject)).to.deep.equal(['Agreement ending on June 30, 2026: Stage d’été']);
    expect(received(team.email).map((m) => m.subject)).to.deep.equal(['Entente se terminant le 30 juin 2026\u202f: Stage d’été']);
  });

  it('installment due, overdue progress check and follow-up request: right recipients, link and List-Unsubscribe', async () => {
    const owner = await createUser({ locale: 'en', name: 'Olivia Owner' });
    const partner = await makePartner(owner);
    const a = await AgreementModel.create({
      title: 'Mentorat',
      partnerIds: [partner._id],
      ownerId: owner._id,
      status: 'active',
      followUp: { checkFrequency: 'quarterly', nextCheckDue: at('2026-04-01T12:00:00Z') },
      kpis: [{ name: 'Jeunes accompagnés', baseline: 0, target: 40 }],
      funding: { total: 10000, installments: [{ dueDate: at('2026-04-05T16:00:00Z'), amount: 2500 }] },
    });
    await reminderTick(at('2026-03-25T12:00:00Z'));
    expect(getTestSmtp().messages).to.have.length(0);
    await reminderTick(at('2026-03-30T12:00:00Z')); // installment within a week
    expect(received(owner.email).map((m) => m.subject)).to.deep.equal(['Funding installment due April 5, 2026: Mentorat']);
    await reminderTick(at('2026-04-01T13:00:00Z')); // check due: partner contact + owner
    const julie = received('julie@cje.example');
    expect(julie).to.have.length(1);
    expect(julie[0]!.subject).to.equal('Votre mise à jour sur notre partenariat\u202f: Mentorat');
    expect(julie[0]!.text).to.match(/http:\/\/passerelle\.test\/p\/followup\/[\w-]+\.[\w-]+/);
    expect(listUnsubscribe(julie[0]!)).to.match(/^<http:\/\/passerelle\.test\/p\/optout\/[\w.-]+>$/);
    expect(julie[0]!.raw).to.match(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    expect(received('sam@cje.example')).to.have.length(0); // the primary contact only
    expect(received(owner.email).map((m) => m.subject)).to.include('Progress check due: Mentorat');
    expect(await FollowUpRequestModel.countDocuments({ agreementId: a._id })).to.equal(1);
    await reminderTick(at('2026-04-09T13:00:00Z')); // a week late: overdue check to the owner
    expect(received(owner.email).map((m) => m.subject)).to.include('Overdue progress check: Mentorat');
    expect(getTestSmtp().messages).to.have.length(4);
  });

  it('quiet partnership and weekly digest: owner alerted once per silence; managers get one digest per week', async () => {
    const owner = await createUser({ locale: 'fr' });
    const manager = await createUser({ role: 'manager', locale: 'en' });
    await makePartner(owner, { lastActivityAt: at('2026-01-01T00:00:00Z') });
    await TaskModel.create({ title: 'Relancer le CJE', ownerId: owner._id, dueDate: at('2026-02-01T00:00:00Z') });
    await reminderTick(at(`2026-${config.reminders.quietPartnershipDays > 58 ? '03-05' : '03-01'}T00:00:00Z`));
    expect(received(owner.email).map((m) => m.subject)).to.include('Partenariat silencieux\u202f: Carrefour jeunesse-emploi');
    await weeklyDigest(at('2026-03-09T12:00:00Z'));
    await weeklyDigest(at('2026-03-10T12:00:00Z')); // same ISO week: nothing new
    const digests = received(manager.email);
    expect(digests.map((m) => m.subject)).to.deep.equal(['Weekly partnership digest (week of March 9, 2026)']);
    expect(digests[0]!.text).to.contain('Relancer le CJE').and.to.contain('Carrefour jeunesse-emploi');
  });

  it('an invitation enqueued with an .ics arrives with it; enqueuing it twice sends it once', async () => {
    const user = await createUser({ locale: 'en' });
    const ics =
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:m1@passerelle\r\nDTSTART:20260401T140000Z\r\nDTEND:20260401T150000Z\r\nSUMMARY:Planning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const msg = {
      kind: 'task_overdue',
      subjectId: 'invite-test',
      occurrence: '1',
      to: { email: user.email, name: user.name, locale: 'en' as const, userId: user._id },
      data: { title: 'Planning', due: 'today', link: 'http://passerelle.test/' },
      icalEvent: { method: 'REQUEST' as const, content: ics },
    };
    expect(await enqueueMessage(msg)).to.equal('created');
    expect(await enqueueMessage(msg)).to.equal('exists');
    await Promise.all([deliverUntilIdle(), deliverUntilIdle()]);
    const mails = received(user.email);
    expect(mails).to.have.length(1);
    const cal = mails[0]!.attachments.find((x) => x.contentType.startsWith('text/calendar'));
    expect(cal?.content.toString()).to.contain('METHOD:REQUEST').and.to.contain('UID:m1@passerelle');
  });
});

describe('reminders: delivery faults', () => {
  before(connectTestDatabase);
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
  });

  async function oneTask(email?: string) {
    const u = await createUser({ locale: 'en', ...(email ? { email } : {}) });
    await TaskModel.create({ title: 'Send the report', ownerId: u._id, dueDate: at('2026-03-01T00:00:00Z') });
    await enqueueDue('tick', at('2026-03-02T00:00:00Z'));
    return u;
  }

  it('SMTP answering 4xx: retried with exponential backoff, then delivered once it accepts, nothing lost', async () => {
    const u = await oneTask();
    const smtp = getTestSmtp();
    smtp.failNext(2, 451);
    let now = at('2026-03-02T00:00:00Z');
    expect((await deliverUntilIdle({ now })).retried).to.equal(1);
    let row = await OutboxModel.findOne({}).lean();
    expect(row).to.include({ state: 'pending', attempts: 1 });
    expect(row!.lastError).to.match(/451/);
    expect(row!.nextAttemptAt.getTime() - now.getTime()).to.equal(backoffMs(1));
    expect((await deliverUntilIdle({ now: new Date(now.getTime() + backoffMs(1) - 1000) })).retried).to.equal(0); // not yet
    now = new Date(now.getTime() + backoffMs(1));
    await deliverUntilIdle({ now });
    row = await OutboxModel.findOne({}).lean();
    expect(row!.nextAttemptAt.getTime() - now.getTime()).to.equal(backoffMs(2));
    expect(backoffMs(2)).to.equal(2 * backoffMs(1));
    await deliverUntilIdle({ now: new Date(now.getTime() + backoffMs(2)) });
    expect(received(u.email)).to.have.length(1);
    expect(await OutboxModel.findOne({}).lean()).to.include({ state: 'sent', attempts: 3 });
  });

  it('SMTP server stopped: retries until attempts run out → failed; an administrator resends it and it arrives', async () => {
    const admin = await createUser({ role: 'admin' });
    const u = await oneTask();
    const down = await startSmtp();
    await down.stop();
    const dead: Mailer = wrap(nodemailer.createTransport({ host: '127.0.0.1', port: down.port, pool: true, connectionTimeout: 2000 }));
    let now = at('2026-03-02T00:00:00Z');
    for (let i = 0; i < config.reminders.maxAttempts; i++) {
      await deliverUntilIdle({ now, mailer: dead });
      now = new Date(now.getTime() + 7 * 3600_000);
    }
    const row = await OutboxModel.findOne({}).lean();
    expect(row).to.include({ state: 'failed', attempts: config.reminders.maxAttempts });
    expect(row!.lastError).to.match(/ECONNREFUSED|ESOCKET|connect/i);
    expect(received(u.email)).to.have.length(0);

    const app = await makeApp();
    const agent = await signIn(app, admin);
    const page = await agent.get('/admin/outbox?state=failed');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(u.email).and.to.contain('ECONNREFUSED');
    const res = await postForm(agent, `/admin/outbox/${String(row!._id)}/resend`, {}, '/admin/outbox');
    expect(res.status).to.equal(303);
    await deliverUntilIdle();
    expect(received(u.email)).to.have.length(1);
    expect((await agent.get('/admin/outbox?state=failed')).text).not.to.contain(u.email);
    expect((await agent.get(`/admin/outbox?to=${encodeURIComponent(u.email)}`)).text).to.contain(u.email);
  });

  it('a 5xx refusal is permanent: failed at once, not retried', async () => {
    await oneTask();
    getTestSmtp().failNext(1, 550);
    const r = await deliverUntilIdle({ now: at('2026-03-02T00:00:00Z') });
    expect(r.failed).to.equal(1);
    expect(await OutboxModel.findOne({}).lean()).to.include({ state: 'failed', attempts: 1 });
  });

  it('downtime catch-up: what came due is sent late, once; a reminder whose moment has passed is skipped', async () => {
    const u = await createUser({ locale: 'en' });
    await TaskModel.create({ title: 'Due during the outage', ownerId: u._id, dueDate: at('2026-03-03T00:00:00Z') });
    await enqueueMessage(
      {
        kind: 'meeting_reminder',
        subjectId: 'meeting-1',
        occurrence: '2026-03-04T14:00',
        to: { email: u.email, name: u.name, locale: 'en', userId: u._id },
        template: 'task_overdue',
        data: { title: 'Meeting', due: 'x', link: 'http://passerelle.test/' },
        dueAt: at('2026-03-03T14:00:00Z'),
        expiresAt: at('2026-03-04T15:00:00Z'), // the meeting's end
      },
      at('2026-03-01T00:00:00Z'),
    );
    // Nothing ran from 2 to 10 March; the first tick after the restart:
    await reminderTick(at('2026-03-10T09:00:00Z'));
    await reminderTick(at('2026-03-10T09:01:00Z'));
    expect(received(u.email).map((m) => m.subject)).to.deep.equal(['Overdue task: Due during the outage']);
    expect((await OutboxModel.findOne({ kind: 'meeting_reminder' }).lean())!.state).to.equal('skipped');
  });
});

function wrap(transport: Transporter): Mailer {
  return {
    kind: 'smtp',
    async send(mail) {
      const info = (await transport.sendMail({ from: config.mailFrom, ...mail })) as { messageId: string; response: string };
      return { messageId: info.messageId, response: info.response };
    },
    async verify() {},
    close: () => transport.close(),
  };
}

describe('reminders: partner follow-up links and opt-out', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
  });

  async function setup() {
    const owner = await createUser({ locale: 'en', name: 'Olivia Owner' });
    const partner = await makePartner(owner, {
      contacts: [
        { name: 'Julie Tremblay', email: 'julie@cje.example', locale: 'fr', primary: true, emailConsent: true },
        { name: 'Sam Lee', email: 'sam@cje.example', locale: 'en', primary: true, emailConsent: true },
      ],
    });
    const agreement = await AgreementModel.create({
      title: 'Mentorat',
      partnerIds: [partner._id],
      ownerId: owner._id,
      status: 'active',
      followUp: { checkFrequency: 'quarterly', nextCheckDue: new Date(Date.now() - DAY) },
      kpis: [{ name: 'Jeunes accompagnés', baseline: 0, target: 40 }],
    });
    await reminderTick();
    const link = (email: string) => /http:\/\/passerelle\.test(\/p\/followup\/[\w.-]+)/.exec(received(email)[0]!.text)![1]!;
    return { owner, partner, agreement, julie: link('julie@cje.example'), sam: link('sam@cje.example') };
  }

  const answer = (kpiId: string) => ({
    progress: 'Douze jeunes placés',
    challenges: 'Transport',
    [`kpi_${kpiId}`]: '12',
    health_trust: '4',
    health_communication: '5',
    health_sharedGoals: '4',
    health_roles: '3',
    health_mutualBenefit: '4',
  });

  async function submit(path: string, fields: Record<string, string>) {
    const agent = supertest.agent(app);
    const form = await agent.get(path);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? 'none';
    return {
      form,
      res: await agent
        .post(path)
        .type('form')
        .send({ ...fields, _csrf: csrf }),
    };
  }

  it('valid link: the form opens in the contact’s language, the answer is recorded as the partner’s and the owner is told', async () => {
    const { julie, agreement, owner, partner } = await setup();
    const kpiId = String(agreement.kpis[0]!._id);
    const { form, res } = await submit(julie, answer(kpiId));
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Suivi du partenariat').and.to.contain('Jeunes accompagnés').and.to.contain('Confiance');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Merci Julie Tremblay');
    const response = await FollowUpResponseModel.findOne({}).lean();
    expect(response).to.include({ healthScore: 20, progress: 'Douze jeunes placés' });
    expect(String(response!.contactId)).to.equal(String(partner.contacts[0]!._id));
    const m = await KpiMeasurementModel.findOne({ agreementId: agreement._id }).lean();
    expect(m).to.include({ value: 12 });
    expect(String(m!.recordedByContactId)).to.equal(String(partner.contacts[0]!._id));
    expect((await AgreementModel.findById(agreement._id).lean())!.kpis[0]!.latestValue).to.equal(12);
    expect(
      await ProgressCheckModel.countDocuments({ agreementId: agreement._id, source: 'partner', contactId: partner.contacts[0]!._id }),
    ).to.equal(1);
    await deliverUntilIdle();
    expect(received(owner.email).map((x) => x.subject)).to.include('Julie Tremblay answered the follow-up: Mentorat');
  });

  it('refuses a reused, tampered, expired, revoked or another contact’s link with a clear page, recording nothing', async () => {
    const { julie, sam, agreement, owner, partner } = await setup();
    const kpiId = String(agreement.kpis[0]!._id);
    await submit(julie, answer(kpiId));
    const count = async () => [await FollowUpResponseModel.countDocuments(), await KpiMeasurementModel.countDocuments()];
    expect(await count()).to.deep.equal([1, 1]);

    const reused = await submit(julie, answer(kpiId));
    expect(reused.form.status).to.equal(410);
    expect(reused.form.text).to.contain('Réponse déjà transmise');

    const tampered = sam.replace(/\.([\w-])/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    expect((await supertest(app).get(tampered)).status).to.equal(404);
    expect((await supertest(app).get(`${sam}x`)).text).to.contain('Lien non valide');

    // Sam's token, pointing at Julie's request: signed, but for another contact's request.
    const julieRequest = (await FollowUpRequestModel.findOne({ contactId: partner.contacts[0]!._id }).lean())!;
    const cross = signLink({
      purpose: 'followup',
      contactId: String(partner.contacts[1]!._id),
      requestId: julieRequest._id,
      exp: expIn(new Date(), 5),
    });
    expect((await supertest(app).get(`/p/followup/${cross}`)).status).to.equal(404);

    // Expired: the signed expiry has passed.
    const samRequest = (await FollowUpRequestModel.findOne({ contactId: partner.contacts[1]!._id }).lean())!;
    const old = signLink({
      purpose: 'followup',
      contactId: String(partner.contacts[1]!._id),
      requestId: samRequest._id,
      exp: expIn(new Date(), -1),
    });
    const expired = await supertest(app).get(`/p/followup/${old}`);
    expect(expired.status).to.equal(410);
    expect(expired.text).to.contain('Link expired');

    // Revoked by the owner.
    const agent = await signIn(app, owner);
    const r = await postForm(agent, `/followup-requests/${samRequest._id}/revoke`, {});
    expect(r.status).to.equal(303);
    const revoked = await submit(sam, answer(kpiId));
    expect(revoked.form.status).to.equal(410);
    expect(revoked.res.status).to.equal(410);
    expect(revoked.form.text).to.contain('Link withdrawn');
    expect(await count()).to.deep.equal([1, 1]);
  });

  it('one-click opt-out (List-Unsubscribe POST without a session) stops follow-ups and invitations alike', async () => {
    const { partner, agreement } = await setup();
    const url = /<http:\/\/passerelle\.test([^>]+)>/.exec(listUnsubscribe(received('julie@cje.example')[0]!))![1]!;
    const res = await supertest(app).post(url).type('form').send({ 'List-Unsubscribe': 'One-Click' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Désabonnement confirmé');
    const julie = (await PartnerModel.findById(partner._id).lean())!.contacts[0]!;
    expect(julie.optedOut).to.equal(true);
    expect(await AuditModel.countDocuments({ entityId: partner._id, action: 'contact:opt-out' })).to.equal(1);

    getTestSmtp().clear();
    // The next check, due on another (UTC) day than the first request's (an hour ago was the same day
    // between midnight and one o'clock UTC, and the request was not asked again).
    await AgreementModel.updateOne({ _id: agreement._id }, { $set: { 'followUp.nextCheckDue': new Date(Date.now() - 3 * DAY) } });
    await reminderTick();
    expect(received('julie@cje.example')).to.have.length(0);
    expect(received('sam@cje.example')).to.have.length(1);
    const to = { email: julie.email, name: julie.name, locale: 'fr' as const, partnerId: partner._id, contactId: julie._id };
    const data = { title: 'Rencontre', due: 'x', link: 'http://passerelle.test/' };
    expect(await enqueueMessage({ kind: 'meeting_update', subjectId: 'm', occurrence: '1', to, template: 'task_overdue', data })).to.equal(
      'opted_out',
    );
    expect(
      await enqueueMessage({ kind: 'meeting_invitation', subjectId: 'm', occurrence: '1', to, template: 'task_overdue', data }),
    ).to.equal('opted_out');
    await deliverUntilIdle();
    expect(received('julie@cje.example')).to.have.length(0);
  });
});
