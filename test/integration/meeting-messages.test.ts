import { expect } from 'chai';
import { meetingRev } from '../helpers/meeting-mail.js';
import type { Express } from 'express';
import supertest from 'supertest';
import { clearDatabase } from '../helpers/db.js';
import { createUser, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { getTestSmtp, type ReceivedMail } from '../helpers/smtp.js';
import { PartnerModel } from '../../src/partners/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { UserModel } from '../../src/users/model.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { deliverUntilIdle } from '../../src/reminders/deliver.js';
import { enqueueDue } from '../../src/reminders/kinds.js';
import { notifyMeetingChange, rsvpUrl } from '../../src/reminders/meetings.js';
import '../../src/reminders/jobs.js';

const HOUR = 3600_000;
const received = (to: string): ReceivedMail[] => getTestSmtp().messages.filter((m) => m.to.includes(to));
const calendarOf = (m: ReceivedMail): string =>
  (m.attachments.find((a) => a.contentType.startsWith('text/calendar'))?.content.toString() ?? '').replace(/\r\n[ \t]/g, ''); // unfolded
const rsvpPath = (m: ReceivedMail): string => /http:\/\/passerelle\.test(\/p\/rsvp\/[A-Za-z0-9_\-.]+)/.exec(m.text)?.[1] ?? '';

describe('meeting invitations, updates, cancellations, reminders and answers', () => {
  let app: Express;
  let owner: TestUser;
  let colleague: TestUser;
  let agent: Agent;
  let partnerId: string;
  let contactId: string;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().messages.length = 0;
    owner = await createUser({ role: 'professional', locale: 'en', name: 'Olivia Owner' });
    colleague = await createUser({ role: 'professional', locale: 'en', name: 'Colin Colleague' });
    agent = await signIn(app, owner);
    const p = await PartnerModel.create({
      name: 'Carrefour jeunesse-emploi',
      nameFolded: 'carrefour jeunesse-emploi',
      type: 'community',
      ownerId: owner._id,
      contacts: [{ name: 'Julie Tremblay', email: 'julie@cje.example', locale: 'fr', primary: true, emailConsent: true }],
    });
    partnerId = String(p._id);
    contactId = String(p.contacts[0]!._id);
  });

  async function schedule(fields: Record<string, string> = {}) {
    const res = await postForm(agent, '/meetings', {
      kind: 'planning',
      title: 'Planning <b>session</b>',
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
      [`user_${String(colleague._id)}`]: 'on',
      [`contact_${contactId}`]: 'on',
      ...fields,
    });
    expect(res.status).to.equal(302);
    return (await MeetingModel.findOne({}).sort({ start: 1 }).lean())!;
  }

  it('invites each attendee but the organizer, in their language, with an .ics REQUEST; the contact gets answer links', async () => {
    const m = await schedule();
    expect(await OutboxModel.countDocuments({ kind: 'meeting_invitation' })).to.equal(2);
    // Enqueuing the same change again creates nothing.
    expect(await notifyMeetingChange(m._id, 'invite')).to.equal(0);
    await deliverUntilIdle();
    expect(received(owner.email)).to.have.length(0);
    const [toColleague] = received(colleague.email);
    expect(toColleague!.subject).to.match(/^Invitation: Planning <b>session<\/b> \(/);
    expect(toColleague!.html).to.contain('Planning &lt;b&gt;session&lt;/b&gt;').and.not.contain('<b>session</b>');
    const ics = calendarOf(toColleague!);
    expect(ics)
      .to.contain('METHOD:REQUEST')
      .and.contain(`UID:${String(m._id)}@passerelle`)
      .and.contain('TZID=America/Toronto');
    expect(ics).to.match(/ATTENDEE[^\r\n]*julie@cje\.example/);
    const [toJulie] = received('julie@cje.example');
    expect(toJulie!.subject).to.match(/^Invitation\u202f: /);
    expect(toJulie!.text).to.contain('Je serai présent·e').and.contain('10 mars 2027');
    expect(rsvpPath(toJulie!)).to.not.equal('');
    expect(toJulie!.raw).to.match(/^List-Unsubscribe:/im);
  });

  it('sends an update (higher SEQUENCE) when the time changes, and a CANCEL when the meeting is cancelled', async () => {
    const m = await schedule();
    await deliverUntilIdle();
    const from = `/meetings/${String(m._id)}`;
    const moved = await postForm(
      agent,
      `/meetings/${String(m._id)}/occurrence`,
      {
        title: m.title,
        date: '2027-03-11',
        time: '10:00',
        durationMinutes: '60',
        location: '',
        videoUrl: '',
        scope: 'one',
        rev: await meetingRev(m._id),
      },
      from,
    );
    expect(moved.status).to.equal(302);
    await deliverUntilIdle();
    const updates = received(colleague.email);
    expect(updates).to.have.length(2);
    expect(updates[1]!.text).to.contain('changed this meeting');
    expect(calendarOf(updates[1]!)).to.contain('SEQUENCE:1').and.contain('METHOD:REQUEST');
    expect((await postForm(agent, `/meetings/${String(m._id)}/cancel`, {}, from)).status).to.equal(302);
    await deliverUntilIdle();
    const cancelled = received('julie@cje.example').at(-1)!;
    expect(cancelled.subject).to.match(/^Annulée\u202f: /);
    expect(calendarOf(cancelled)).to.contain('METHOD:CANCEL').and.contain('STATUS:CANCELLED').and.contain('SEQUENCE:2');
  });

  it('lets the contact accept or decline without an account; the answer shows on the attendee list', async () => {
    const m = await schedule();
    await deliverUntilIdle();
    const path = rsvpPath(received('julie@cje.example')[0]!);
    const visitor = supertest.agent(app);
    const page = await visitor.get(`${path}?answer=declined`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Je ne pourrai pas y être');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    expect((await visitor.post(path).type('form').send({ _csrf: csrf, answer: 'maybe' })).status).to.equal(422);
    expect((await MeetingModel.findById(m._id).lean())!.attendees.find((a) => a.contactId)!.response).to.equal('none');
    const done = await visitor.post(path).type('form').send({ _csrf: csrf, answer: 'declined' });
    expect(done.status).to.equal(200);
    expect(done.text).to.contain('Merci');
    expect((await MeetingModel.findById(m._id).lean())!.attendees.find((a) => a.contactId)!.response).to.equal('declined');
    expect((await agent.get(`/meetings/${String(m._id)}`)).text).to.contain('declined');
  });

  it('refuses a tampered, expired or foreign answer link, recording nothing', async () => {
    const m = await schedule();
    const valid = rsvpUrl(String(m._id), contactId, m.end).replace('http://passerelle.test', '');
    const tampered = valid.slice(0, -3) + (valid.endsWith('A') ? 'BBB' : 'AAA');
    expect((await supertest(app).get(tampered)).status).to.equal(404);
    const longAgo = (days: number) => new Date(Date.now() - days * 86400_000);
    const expired = rsvpUrl(String(m._id), contactId, longAgo(3), longAgo(4)).replace('http://passerelle.test', '');
    expect((await supertest(app).get(expired)).status).to.equal(410);
    // A contact who is not on the meeting's attendee list.
    const other = rsvpUrl(String(m._id), '0123456789abcdef01234567', m.end).replace('http://passerelle.test', '');
    expect((await supertest(app).get(other)).status).to.equal(404);
    const visitor = supertest.agent(app);
    const page = await visitor.get(valid);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    expect((await visitor.post(other).type('form').send({ _csrf: csrf, answer: 'accepted' })).status).to.equal(404);
    expect((await MeetingModel.findById(m._id).lean())!.attendees.every((a) => a.response === 'none')).to.equal(true);
  });

  it('reminds each attendee once when their lead time begins (their own, or the default), and skips it once the meeting started', async () => {
    await UserModel.updateOne({ _id: colleague._id }, { $set: { meetingReminderHours: 2 } });
    const m = await schedule();
    const start = m.start.getTime();
    await OutboxModel.deleteMany({ kind: 'meeting_invitation' });
    expect(await enqueueDue('tick', new Date(start - 30 * HOUR))).to.equal(0);
    // Default 24 h: the owner (an attendee) and the contact; the colleague asked for 2 h.
    expect(await enqueueDue('tick', new Date(start - 23 * HOUR))).to.equal(2);
    expect(await enqueueDue('tick', new Date(start - 22 * HOUR))).to.equal(0);
    expect(await enqueueDue('tick', new Date(start - 1 * HOUR))).to.equal(1);
    const reminders = await OutboxModel.find({ kind: 'meeting_reminder' }).lean();
    expect(reminders.map((r) => r.to).sort()).to.deep.equal([colleague.email, 'julie@cje.example', owner.email].sort());
    expect(reminders.every((r) => r.expiresAt?.getTime() === start)).to.equal(true);
    // Delivered after the start (the process was down): skipped, not sent.
    const report = await deliverUntilIdle({ now: new Date(start + HOUR) });
    expect(report.skipped).to.equal(3);
    expect(report.sent).to.equal(0);
  });

  it('keeps a per-user lead time on the profile, refusing a bad value without changing anything', async () => {
    const bad = await postForm(
      agent,
      '/profile',
      { name: owner.name, locale: 'en', timezone: 'America/Toronto', meetingReminderHours: '500' },
      '/profile',
    );
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('from 0 to 168');
    expect((await UserModel.findById(owner._id).lean())!.meetingReminderHours).to.equal(null);
    const ok = await postForm(
      agent,
      '/profile',
      { name: owner.name, locale: 'en', timezone: 'America/Toronto', meetingReminderHours: '3' },
      '/profile',
    );
    expect(ok.status).to.equal(302);
    expect((await UserModel.findById(owner._id).lean())!.meetingReminderHours).to.equal(3);
  });

  it('cancels a series from an occurrence onward (minutes kept), sends a CANCEL of those dates, and the series excludes them', async () => {
    const first = await schedule({ cadence: 'weekly', endMode: 'count', count: '4' });
    const occurrences = await MeetingModel.find({ seriesId: first.seriesId }).sort({ start: 1 }).lean();
    expect(occurrences).to.have.length(4);
    await MeetingModel.updateOne({ _id: occurrences[3]!._id }, { $set: { minutes: 'Already met early' } });
    await deliverUntilIdle();
    const from = `/meetings/${String(occurrences[1]!._id)}`;
    const res = await postForm(agent, `${from}/cancel`, { scope: 'following' }, from);
    expect(res.status).to.equal(302);
    const after = await MeetingModel.find({ seriesId: first.seriesId }).sort({ start: 1 }).lean();
    expect(after.map((o) => o.cancelled)).to.deep.equal([false, true, true, false]);
    await deliverUntilIdle();
    const cancellation = calendarOf(received(colleague.email).at(-1)!);
    expect(cancellation).to.contain('METHOD:CANCEL');
    expect(cancellation.match(/^RECURRENCE-ID;TZID=America\/Toronto:\d{8}T\d{6}$/gm)).to.deep.equal([
      'RECURRENCE-ID;TZID=America/Toronto:20270317T090000',
      'RECURRENCE-ID;TZID=America/Toronto:20270324T090000',
    ]);
    const series = await agent.get(`/meetings/${String(first._id)}.ics`);
    expect(series.text.replace(/\r\n[ \t]/g, '')).to.match(/EXDATE;TZID=America\/Toronto:20270317T090000,20270324T090000/);
  });
});
