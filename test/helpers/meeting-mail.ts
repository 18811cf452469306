// Meeting mail as an attendee receives it (real SMTP server, mailparser) and its .ics (ical.js):
// what the meeting-message tests assert on.
import { expect } from 'chai';
import ICAL from 'ical.js';
import { getTestSmtp, type ReceivedMail } from './smtp.js';
import { MeetingModel } from '../../src/meetings/model.js';

export const received = (to: string): ReceivedMail[] => getTestSmtp().messages.filter((m) => m.to.includes(to));
export const rsvpPath = (m: ReceivedMail): string => /http:\/\/passerelle\.test(\/p\/rsvp\/[A-Za-z0-9_\-.]+)/.exec(m.text)?.[1] ?? '';

export function calendarOf(m: ReceivedMail): ICAL.Component {
  const part = m.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  expect(part, `calendar part of "${m.subject}"`).to.not.equal(undefined);
  const comp = new ICAL.Component(ICAL.parse(part!.content.toString()));
  for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return comp;
}
export const events = (m: ReceivedMail) => calendarOf(m).getAllSubcomponents('vevent');
export const method = (m: ReceivedMail) => calendarOf(m).getFirstPropertyValue('method');
/** A RECURRENCE-ID or DTSTART as its local value and zone, e.g. 20270324T090000 America/Toronto. */
export function local(ev: ICAL.Component, name: string): string {
  const p = ev.getFirstProperty(name);
  return p ? `${(p.getFirstValue() as ICAL.Time).toICALString()} ${String(p.getParameter('tzid'))}` : '';
}
export const stampOf = (ev: ICAL.Component) => (ev.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().getTime();

/** Every VEVENT a recipient received, in order, must carry a SEQUENCE above all earlier ones of its UID. */
export function expectSequencesIncrease(mails: ReceivedMail[]): Map<string, number[]> {
  const byUid = new Map<string, number[]>();
  for (const m of mails) {
    const seen = new Map<string, number>();
    for (const ev of events(m)) {
      const uid = String(ev.getFirstPropertyValue('uid'));
      const seq = Number(ev.getFirstPropertyValue('sequence'));
      // One message states one revision of its UID: every component carries the same SEQUENCE.
      if (seen.has(uid)) expect(seq, `${m.subject}: one SEQUENCE per UID`).to.equal(seen.get(uid));
      seen.set(uid, seq);
    }
    for (const [uid, seq] of seen) {
      const before = byUid.get(uid) ?? [];
      if (before.length) expect(seq, `${m.subject}: SEQUENCE after ${before.join(', ')}`).to.be.greaterThan(Math.max(...before));
      byUid.set(uid, [...before, seq]);
    }
  }
  return byUid;
}

/** What an attendee must never find in a cancellation: an invitation's wording or answer buttons. */
export function expectReadsAsCancellation(m: ReceivedMail, lang: 'en' | 'fr'): void {
  const invitationWords =
    lang === 'en'
      ? ['Invitation', 'invites you', 'changed this meeting', 'I will attend', 'I cannot attend']
      : ['Invitation', 'vous invite', 'a modifié', 'Je serai présent', 'Je ne pourrai pas'];
  for (const w of invitationWords) {
    expect(m.subject, m.subject).to.not.contain(w);
    expect(m.text, m.subject).to.not.contain(w);
    expect(m.html, m.subject).to.not.contain(w);
  }
  expect(m.text).to.not.contain('/p/rsvp/');
  expect(m.html).to.not.contain('/p/rsvp/');
  expect(method(m)).to.equal('CANCEL');
}

/** The revision a meeting's edit forms would carry now (its page puts it in a hidden field). */
export const meetingRev = async (id: unknown): Promise<string> => String((await MeetingModel.findById(id, { rev: 1 }).lean())?.rev ?? 0);
