// Cancelling occurrences of a series that was already changed: what each attendee receives (parsed
// by the real SMTP server with mailparser, the .ics by ical.js) must read as a cancellation, carry a
// METHOD:CANCEL with a SEQUENCE above everything sent before for that UID and a fresh DTSTAMP; the
// answer link of a cancelled occurrence says so and records nothing.
import { expect } from 'chai';
import type { Express } from 'express';
import ICAL from 'ical.js';
import mongoose from 'mongoose';
import supertest from 'supertest';
import { clearDatabase } from '../helpers/db.js';
import { createUser, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { getTestSmtp } from '../helpers/smtp.js';
import {
  meetingRev,
  events,
  expectReadsAsCancellation,
  expectSequencesIncrease,
  local,
  method,
  received,
  rsvpPath,
  stampOf,
} from '../helpers/meeting-mail.js';
import { PartnerModel } from '../../src/partners/model.js';
import { MeetingModel, type MeetingDoc } from '../../src/meetings/model.js';
import { deliverUntilIdle } from '../../src/reminders/deliver.js';
import { nextSeriesSequence } from '../../src/meetings/sequence.js';
import '../../src/reminders/jobs.js';

const JULIE = 'julie@cje.example';
/** Makes the stored meetings look last changed two days ago (a series edited earlier, then cancelled). */
async function ageEverything(): Promise<number> {
  const twoDaysAgo = new Date(Date.now() - 2 * 86400_000);
  const db = mongoose.connection.db!;
  await db.collection('meetings').updateMany({}, { $set: { updatedAt: twoDaysAgo } });
  await db.collection('meetingseries').updateMany({}, { $set: { updatedAt: twoDaysAgo } });
  // DTSTAMP has whole seconds: "fresh" is not before the second the change was made in.
  return Math.floor(Date.now() / 1000) * 1000;
}

describe('cancelling occurrences of a changed series: what each attendee receives', () => {
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
    getTestSmtp().clear();
    owner = await createUser({ role: 'professional', locale: 'en', name: 'Olivia Owner' });
    colleague = await createUser({ role: 'professional', locale: 'en', name: 'Colin Colleague' });
    agent = await signIn(app, owner);
    const p = await PartnerModel.create({
      name: 'Carrefour jeunesse-emploi',
      nameFolded: 'carrefour jeunesse-emploi',
      type: 'community',
      ownerId: owner._id,
      contacts: [{ name: 'Julie Tremblay', email: JULIE, locale: 'fr', primary: true, emailConsent: true }],
    });
    partnerId = String(p._id);
    contactId = String(p.contacts[0]!._id);
  });

  async function scheduleWeekly(count: number): Promise<MeetingDoc[]> {
    const res = await postForm(agent, '/meetings', {
      kind: 'planning',
      title: 'Weekly planning',
      partnerId,
      agreementId: '',
      date: '2027-03-10',
      time: '09:00',
      durationMinutes: '60',
      zone: 'America/Toronto',
      cadence: 'weekly',
      monthlyMode: 'date',
      endMode: 'count',
      count: String(count),
      location: 'Salle Boréale',
      [`user_${String(owner._id)}`]: 'on',
      [`user_${String(colleague._id)}`]: 'on',
      [`contact_${contactId}`]: 'on',
    });
    expect(res.status).to.equal(302);
    await deliverUntilIdle();
    return MeetingModel.find({ archived: false }).sort({ originalStart: 1 }).lean();
  }

  async function change(o: MeetingDoc, fields: Record<string, string>) {
    const from = `/meetings/${String(o._id)}`;
    const res = await postForm(
      agent,
      `${from}/occurrence`,
      { title: o.title, durationMinutes: '60', location: o.location, videoUrl: '', scope: 'one', rev: await meetingRev(o._id), ...fields },
      from,
    );
    expect(res.status).to.equal(302);
    await deliverUntilIdle();
  }

  async function cancel(o: MeetingDoc, scope: 'one' | 'following') {
    const from = `/meetings/${String(o._id)}`;
    const res = await postForm(agent, `${from}/cancel`, scope === 'following' ? { scope } : {}, from);
    expect(res.status).to.equal(302);
    await deliverUntilIdle();
  }

  it('an occurrence moved, then another one and the moved one cancelled: a CANCEL per occurrence (RECURRENCE-ID), SEQUENCE rising, DTSTAMP fresh, no answer buttons, answer link closed', async () => {
    const occ = await scheduleWeekly(4); // 10, 17, 24, 31 March 2027, 09:00 Toronto
    await change(occ[1]!, { date: '2027-03-18', time: '10:00' });
    const julieUpdate = received(JULIE).at(-1)!;
    const visitor = supertest.agent(app);
    const answerPage = await visitor.get(rsvpPath(julieUpdate));
    expect(answerPage.status).to.equal(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(answerPage.text)![1]!;

    const beforeThird = await ageEverything();
    await cancel(occ[2]!, 'one');
    const beforeMoved = await ageEverything();
    await cancel(occ[1]!, 'one');

    for (const [to, lang] of [
      [colleague.email, 'en'],
      [JULIE, 'fr'],
    ] as const) {
      const mails = received(to);
      expect(mails, to).to.have.length(4);
      const seqs = expectSequencesIncrease(mails);
      expect([...seqs.values()][0], to).to.have.length(4);
      const [third, moved] = mails.slice(2);
      for (const m of [third!, moved!]) expectReadsAsCancellation(m, lang);
      expect(third!.subject).to.match(lang === 'en' ? /^Cancelled: Weekly planning \(/ : /^Annulée\u202f: Weekly planning \(/);
      expect(third!.text).to.contain(lang === 'en' ? 'March 24, 2027' : '24 mars 2027');
      expect(moved!.text).to.contain(lang === 'en' ? 'March 18, 2027' : '18 mars 2027');
      const [thirdEv] = events(third!);
      expect(events(third!)).to.have.length(1);
      expect(local(thirdEv!, 'recurrence-id')).to.equal('20270324T090000 America/Toronto');
      expect(thirdEv!.getFirstPropertyValue('status')).to.equal('CANCELLED');
      expect(stampOf(thirdEv!)).to.be.at.least(beforeThird);
      const [movedEv] = events(moved!);
      expect(events(moved!)).to.have.length(1);
      // The moved occurrence is named by its original start; its DTSTART is where it had moved to.
      expect(local(movedEv!, 'recurrence-id')).to.equal('20270317T090000 America/Toronto');
      expect(local(movedEv!, 'dtstart')).to.equal('20270318T100000 America/Toronto');
      expect(stampOf(movedEv!)).to.be.at.least(beforeMoved);
      expect(String(movedEv!.getFirstPropertyValue('organizer')).toLowerCase()).to.equal(`mailto:${owner.email}`);
    }

    // The series as a calendar file now: both dates excluded, no override left for the moved one.
    const ics = new ICAL.Component(ICAL.parse((await agent.get(`/meetings/${String(occ[0]!._id)}.ics`)).text));
    const vevents = ics.getAllSubcomponents('vevent');
    expect(vevents).to.have.length(1);
    const exdates = vevents[0]!.getAllProperties('exdate').flatMap((p) => p.getValues().map((v) => (v as ICAL.Time).toICALString()));
    expect(exdates.sort()).to.deep.equal(['20270317T090000', '20270324T090000']);

    // Julie's answer link was for the moved occurrence: it now says it is cancelled and records nothing.
    const after = await visitor.get(rsvpPath(julieUpdate));
    expect(after.text).to.contain('annulée');
    expect(after.text).to.not.contain('name="answer"');
    const posted = await visitor.post(rsvpPath(julieUpdate)).type('form').send({ _csrf: csrf, answer: 'accepted' });
    expect(posted.status).to.equal(410);
    expect(posted.text).to.contain('annulée');
    const now = await MeetingModel.find({ seriesId: occ[0]!.seriesId }).lean();
    expect(now.flatMap((o) => o.attendees.filter((a) => a.contactId).map((a) => a.response))).to.deep.equal([
      'none',
      'none',
      'none',
      'none',
    ]);
  });

  it('the series edited from an occurrence onward, then cancelled from a later date on: the old series is cut (REQUEST), the new one gets one CANCEL listing each date', async () => {
    const occ = await scheduleWeekly(5); // 10, 17, 24, 31 March, 7 April 2027
    // From the second one on, the meetings move to 10:00: the series splits in two.
    await change(occ[1]!, { date: '2027-03-17', time: '10:00', scope: 'following' });
    const split = await MeetingModel.find({ archived: false }).sort({ originalStart: 1 }).lean();
    const newSeries = split.filter((o) => String(o.seriesId) !== String(occ[0]!.seriesId));
    expect(newSeries.map((o) => o.occurrenceKey)).to.deep.equal([
      '2027-03-17T10:00',
      '2027-03-24T10:00',
      '2027-03-31T10:00',
      '2027-04-07T10:00',
    ]);
    const oldUid = `${String(occ[0]!.seriesId)}@passerelle`;
    const newUid = `${String(newSeries[0]!.seriesId)}@passerelle`;
    for (const to of [colleague.email, JULIE]) {
      const mails = received(to);
      expect(mails, to).to.have.length(3);
      // The old series is cut at the day before: its REQUEST (higher SEQUENCE) says so, or calendars keep both.
      const cut = mails.find((m) => events(m).some((e) => e.getFirstPropertyValue('uid') === oldUid) && m !== mails[0])!;
      expect(method(cut)).to.equal('REQUEST');
      const rule = events(cut)[0]!.getFirstPropertyValue('rrule') as ICAL.Recur;
      expect(rule.until!.toJSDate().toISOString()).to.equal('2027-03-17T03:59:59.000Z');
      expect(rule.count ?? null).to.equal(null);
    }
    await MeetingModel.updateOne({ _id: newSeries[3]!._id }, { $set: { minutes: 'Met early' } });

    const beforeCancel = await ageEverything();
    await cancel(newSeries[1]!, 'following');
    const after = await MeetingModel.find({ seriesId: newSeries[0]!.seriesId }).sort({ originalStart: 1 }).lean();
    expect(after.map((o) => o.cancelled)).to.deep.equal([false, true, true, false]);

    for (const [to, lang] of [
      [colleague.email, 'en'],
      [JULIE, 'fr'],
    ] as const) {
      const mails = received(to);
      expect(mails, to).to.have.length(4);
      const seqs = expectSequencesIncrease(mails);
      expect(seqs.get(oldUid), to).to.have.length(2);
      expect(seqs.get(newUid), to).to.have.length(2);
      const last = mails[3]!;
      expectReadsAsCancellation(last, lang);
      expect(last.subject).to.match(
        lang === 'en' ? /^Cancelled from March 24, 2027: Weekly planning$/ : /^Annulées à partir du 24 mars 2027\u202f: Weekly planning$/,
      );
      for (const day of lang === 'en' ? ['March 24, 2027', 'March 31, 2027'] : ['24 mars 2027', '31 mars 2027'])
        expect(last.text).to.contain(day);
      expect(last.text).to.not.contain(lang === 'en' ? 'April 7, 2027' : '7 avril 2027');
      const cancelled = events(last);
      expect(cancelled.map((e) => e.getFirstPropertyValue('uid'))).to.deep.equal([newUid, newUid]);
      expect(cancelled.map((e) => local(e, 'recurrence-id'))).to.deep.equal([
        '20270324T100000 America/Toronto',
        '20270331T100000 America/Toronto',
      ]);
      for (const e of cancelled) {
        expect(e.getFirstPropertyValue('status')).to.equal('CANCELLED');
        expect(stampOf(e)).to.be.at.least(beforeCancel);
      }
    }
  });

  it('a single meeting cancelled: the answer link says so and records nothing', async () => {
    const res = await postForm(agent, '/meetings', {
      kind: 'planning',
      title: 'One-off',
      partnerId,
      agreementId: '',
      date: '2027-03-10',
      time: '09:00',
      durationMinutes: '60',
      zone: 'America/Toronto',
      cadence: 'none',
      [`contact_${contactId}`]: 'on',
    });
    expect(res.status).to.equal(302);
    await deliverUntilIdle();
    const m = (await MeetingModel.findOne({}).lean())!;
    const path = rsvpPath(received(JULIE)[0]!);
    const visitor = supertest.agent(app);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await visitor.get(path)).text)![1]!;
    await cancel(m, 'one');
    const cancelMail = received(JULIE).at(-1)!;
    expectReadsAsCancellation(cancelMail, 'fr');
    expect(events(cancelMail)[0]!.hasProperty('recurrence-id')).to.equal(false);
    const page = await visitor.get(`${path}?answer=accepted`);
    expect(page.text).to.contain('annulée').and.not.contain('name="answer"');
    const posted = await visitor.post(path).type('form').send({ _csrf: csrf, answer: 'accepted' });
    expect(posted.status).to.equal(410);
    expect((await MeetingModel.findById(m._id).lean())!.attendees[0]!.response).to.equal('none');
  });

  it('changes to one series at the same moment, when each takes a SEQUENCE, then each gets its own, and the next one is above them all', async () => {
    const [first] = await scheduleWeekly(2);
    const taken = await Promise.all(Array.from({ length: 5 }, () => nextSeriesSequence(first!.seriesId!)));
    expect(new Set(taken).size).to.equal(5);
    expect(await nextSeriesSequence(first!.seriesId!)).to.be.greaterThan(Math.max(...taken));
  });
});
