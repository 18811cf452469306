// Calendar injection: a line break in a title, place, agenda or name must never add a property or
// an event to an .ics. Input refuses control characters in one-line fields (422, the form kept);
// what is already stored is escaped on output: the download, the feed and the mailed invitation
// each parse (ical.js) into exactly one VEVENT with the meeting's own UID and nothing injected.
import { expect } from 'chai';
import type { Express } from 'express';
import ICAL from 'ical.js';
import supertest from 'supertest';
import { clearDatabase } from '../helpers/db.js';
import { createUser, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { UserModel } from '../../src/users/model.js';
import { deliverUntilIdle } from '../../src/reminders/deliver.js';
import { notifyMeetingChange } from '../../src/reminders/meetings.js';
import '../../src/reminders/jobs.js';

const EVIL = 'evil@attacker.example';
const INJECTED = `Budget\r\nBcc: ${EVIL}\r\nBEGIN:VEVENT\r\nUID:forged@attacker.example\r\nORGANIZER:mailto:${EVIL}\r\nDTSTART:20270101T090000Z\r\nSUMMARY:Forged\r\nEND:VEVENT`;
const CALENDAR_PROPERTIES = ['method', 'name', 'prodid', 'version', 'x-wr-calname'];

/** Parses an .ics: one VEVENT, the meeting's UID, no stray calendar property, organizer as expected, no evil address. */
function expectOneEvent(text: string, uid: string, organizer: string | null): ICAL.Component {
  const comp = new ICAL.Component(ICAL.parse(text));
  expect(
    comp
      .getAllSubcomponents()
      .map((c) => c.name)
      .filter((n) => n !== 'vtimezone'),
  ).to.deep.equal(['vevent']);
  expect(
    comp
      .getAllProperties()
      .map((p) => p.name)
      .every((n) => CALENDAR_PROPERTIES.includes(n)),
    comp.toString(),
  ).to.equal(true);
  const ev = comp.getFirstSubcomponent('vevent')!;
  expect(ev.getAllProperties('uid').map((p) => p.getFirstValue())).to.deep.equal([uid]);
  const organizers = ev.getAllProperties('organizer').map((p) => String(p.getFirstValue()).toLowerCase());
  expect(organizers).to.deep.equal(organizer ? [`mailto:${organizer}`] : []);
  for (const p of ev.getAllProperties('attendee')) expect(String(p.getFirstValue()).toLowerCase()).to.not.contain(EVIL);
  // What was injected is plain text of the summary, on one line.
  const summary = String(ev.getFirstPropertyValue('summary'));
  expect(summary)
    .to.contain('Budget')
    .and.contain('UID:forged@attacker.example')
    .and.not.match(/[\r\n]/);
  return comp;
}

describe('calendar injection through meeting texts', () => {
  let app: Express;
  let owner: TestUser;
  let agent: Agent;
  let partnerId: string;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
    owner = await createUser({ role: 'professional', locale: 'en', name: 'Olive Owner' });
    agent = await signIn(app, owner);
    const p = await PartnerModel.create({
      name: 'Centre Horizon',
      nameFolded: 'centre horizon',
      type: 'community',
      ownerId: owner._id,
      contacts: [{ name: 'Léa Tremblay', email: 'lea@example.org', locale: 'fr', emailConsent: true }],
    });
    partnerId = String(p._id);
  });

  const meetingForm = (fields: Record<string, string>) => ({
    kind: 'planning',
    title: 'Budget',
    partnerId,
    agreementId: '',
    date: '2027-03-10',
    time: '09:00',
    durationMinutes: '60',
    zone: 'America/Toronto',
    cadence: 'none',
    ...fields,
  });

  it('a title or a place with CR/LF and calendar lines, when submitted, then 422 saying why, the input kept, nothing created', async () => {
    const res = await postForm(
      agent,
      '/meetings',
      meetingForm({ title: INJECTED, location: 'Room 1\nATTENDEE:mailto:x@y.z' }),
      '/meetings/new',
    );
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Use one line, without line breaks or control characters.');
    expect(res.text).to.contain('UID:forged@attacker.example'); // the input is kept
    const bell = await postForm(agent, '/meetings', meetingForm({ agenda: 'Point 1\u0007' }), '/meetings/new');
    expect(bell.status).to.equal(422);
    expect(bell.text).to.contain('Remove the control characters');
    expect(await MeetingModel.countDocuments()).to.equal(0);
    // An agenda keeps its lines.
    const ok = await postForm(agent, '/meetings', meetingForm({ agenda: 'Point 1\r\nPoint 2\tdetails' }), '/meetings/new');
    expect(ok.status).to.equal(302);
    const m = (await MeetingModel.findOne({}).lean())!;
    expect(m.agenda).to.equal('Point 1\r\nPoint 2\tdetails');
    const from = `/meetings/${String(m._id)}`;
    const moved = await postForm(
      agent,
      `${from}/occurrence`,
      { title: 'Budget\r\nORGANIZER:mailto:x@y.z', date: '2027-03-10', time: '09:00', durationMinutes: '60', scope: 'one', rev: '0' },
      from,
    );
    expect(moved.status).to.equal(422);
    const minutes = await postForm(agent, `${from}/minutes`, { agenda: '', minutes: 'Noted\u0000', decisions: '', rev: '0' }, from);
    expect(minutes.status).to.equal(422);
    const after = (await MeetingModel.findById(m._id).lean())!;
    expect([after.title, after.minutes, after.sequence]).to.deep.equal(['Budget', '', 0]);
  });

  it('a contact name or a user name with a line break, when submitted, then refused and unchanged', async () => {
    await postForm(
      agent,
      `/partners/${partnerId}/contacts`,
      { name: `Léa\r\nORGANIZER:mailto:${EVIL}`, email: 'x@example.org', locale: 'fr' },
      `/partners/${partnerId}`,
    );
    expect((await PartnerModel.findById(partnerId).lean())!.contacts.map((c) => c.name)).to.deep.equal(['Léa Tremblay']);
    const profile = await postForm(
      agent,
      '/profile',
      { name: `Olive\nORGANIZER:mailto:${EVIL}`, locale: 'en', timezone: 'America/Toronto', meetingReminderHours: '' },
      '/profile',
    );
    expect(profile.status).to.equal(422);
    expect(profile.text).to.contain('Use one line');
    expect((await UserModel.findById(owner._id).lean())!.name).to.equal('Olive Owner');
  });

  it('texts stored with CR/LF (earlier data), when exported as download, feed and mailed invitation, then one VEVENT with its own UID and nothing injected', async () => {
    const colleague = await createUser({ role: 'professional', locale: 'en', name: 'Colin Colleague' });
    // Stored directly, as data written before input refused it.
    await UserModel.collection.updateOne({ _id: owner._id }, { $set: { name: `Olive "O" Owner\r\nORGANIZER:mailto:${EVIL}` } });
    const partner = await PartnerModel.findById(partnerId);
    partner!.contacts[0]!.name = `Léa "L" Tremblay\r\nATTENDEE:mailto:${EVIL}`;
    await partner!.save();
    const contact = partner!.contacts[0]!;
    const m = await MeetingModel.create({
      title: INJECTED,
      partnerId: partner!._id,
      ownerId: owner._id,
      start: new Date(Date.now() + 7 * 86400_000),
      end: new Date(Date.now() + 7 * 86400_000 + 3600_000),
      zone: 'America/Toronto',
      location: `Room 1\r\nATTENDEE:mailto:${EVIL}`,
      agenda: `Line 1\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged2@attacker.example`,
      attendees: [
        { userId: owner._id, name: `Olive "O" Owner\r\nORGANIZER:mailto:${EVIL}`, email: owner.email },
        { userId: colleague._id, name: 'Colin Colleague', email: colleague.email },
        { contactId: contact._id, name: contact.name, email: contact.email },
      ],
      attendeeUserIds: [owner._id, colleague._id],
    });
    const uid = `${String(m._id)}@passerelle`;

    const download = await agent.get(`/meetings/${String(m._id)}.ics`);
    expect(download.status).to.equal(200);
    const published = expectOneEvent(download.text, uid, null);
    const ev = published.getFirstSubcomponent('vevent')!;
    expect(ev.getFirstPropertyValue('location')).to.equal(`Room 1 ATTENDEE:mailto:${EVIL}`);
    expect(String(ev.getFirstPropertyValue('description'))).to.contain('Line 1\nEND:VEVENT\nBEGIN:VEVENT');

    const created = await postForm(agent, '/calendar/feed', {}, '/profile');
    const feedUrl = /value="(https?:\/\/[^"]+\/calendar\/feed\/[^"]+\.ics)"/.exec(created.text)![1]!;
    const feed = await supertest(app).get(new URL(feedUrl).pathname);
    expect(feed.status).to.equal(200);
    const feedCal = expectOneEvent(feed.text, uid, null);
    expect(feedCal.getFirstPropertyValue('x-wr-calname')).to.equal(`Passerelle — Olive "O" Owner ORGANIZER:mailto:${EVIL}`);

    expect(await notifyMeetingChange(m._id, 'invite')).to.equal(2);
    await deliverUntilIdle();
    for (const to of [colleague.email, 'lea@example.org']) {
      const mail = getTestSmtp().messages.find((x) => x.to.includes(to))!;
      expect(mail.to).to.not.include(EVIL);
      expect(mail.headers.has('bcc')).to.equal(false);
      expect(mail.subject).to.not.match(/[\r\n]/);
      const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!;
      const invitation = expectOneEvent(part.content.toString(), uid, owner.email).getFirstSubcomponent('vevent')!;
      // Names stay names: the quotes come back (RFC 6868), the injected text is part of the name.
      expect(invitation.getFirstProperty('organizer')!.getParameter('cn')).to.equal(`Olive "O" Owner ORGANIZER:mailto:${EVIL}`);
      const attendees = invitation.getAllProperties('attendee').map((p) => [String(p.getFirstValue()).toLowerCase(), p.getParameter('cn')]);
      expect(attendees).to.deep.equal([
        [`mailto:${owner.email}`, `Olive "O" Owner ORGANIZER:mailto:${EVIL}`],
        [`mailto:${colleague.email}`, 'Colin Colleague'],
        ['mailto:lea@example.org', `Léa "L" Tremblay ATTENDEE:mailto:${EVIL}`],
      ]);
    }
  });
});
