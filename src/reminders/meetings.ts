// Meeting messages: invitations and updates (with an .ics REQUEST) or cancellations (CANCEL) to the
// attendees when a meeting is scheduled or changed, reminders before each meeting (the lead time is
// the attendee's own when set, else MEETING_REMINDER_HOURS), and partner contacts' accept / decline
// answers through a signed link (no account).
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { config } from '../config.js';
import { lineText } from '../meetings/ics-text.js';
import type { MeetingDoc } from '../meetings/model.js';
import type { Locale } from '../users/roles.js';
import { planFor, planForCut, type MeetingChange, type Plan } from './meeting-plans.js';
import { enqueueMessages, type MessageInput, type Recipient } from './enqueue.js';
import { registerKind } from './kinds.js';
import { expIn, linkUrl, signLink, verifyLink } from './links.js';
import { activeAttendees, userName } from '../users/people.js';
import { partnerContacts } from '../partners/contacts.js';
import {
  lastOccurrence,
  lastOccurrenceEnd,
  liveMeeting,
  meetingById,
  meetingsStartingWithin,
  recordContactAnswer,
  seriesSequence,
} from '../meetings/occurrences.js';
import { intlLocale } from '../util/formats.js';

export type { MeetingChange } from './meeting-plans.js';
export const rsvpAnswers = ['accepted', 'declined'] as const;
export type RsvpAnswer = (typeof rsvpAnswers)[number];

/** The longest per-user lead time a profile accepts (hours). */
export const MAX_LEAD_HOURS = 168;

interface Person {
  recipient: Recipient;
  zone: string;
  leadHours: number;
}

/**
 * Attendees with an address, each with their language, time zone and reminder lead time. Whether a
 * contact may be mailed is decided for every message by consent.ts when it is enqueued.
 */
async function people(m: MeetingDoc): Promise<Person[]> {
  const userIds = m.attendees.filter((a) => a.userId).map((a) => a.userId!);
  const contactIds = new Set(m.attendees.filter((a) => a.contactId).map((a) => String(a.contactId)));
  const [users, partner] = await Promise.all([
    userIds.length ? activeAttendees(userIds) : [],
    contactIds.size ? partnerContacts(m.partnerId) : null,
  ]);
  const fromUsers = users.map((u) => ({
    recipient: { email: u.email, name: u.name, locale: u.locale, userId: u._id },
    zone: u.timezone || m.zone,
    leadHours: u.meetingReminderHours ?? config.reminders.meetingLeadHours,
  }));
  const fromContacts = (partner?.contacts ?? [])
    .filter((c) => contactIds.has(String(c._id)) && c.email)
    .map((c) => ({
      recipient: {
        email: c.email,
        name: c.name,
        locale: c.locale ?? 'fr',
        partnerId: m.partnerId,
        contactId: c._id,
      },
      zone: m.zone,
      leadHours: config.reminders.meetingLeadHours,
    }));
  return [...fromUsers, ...fromContacts];
}

const when = (m: Pick<MeetingDoc, 'start' | 'end'>, zone: string, locale: Locale): string => {
  const start = DateTime.fromJSDate(m.start).setZone(zone).setLocale(intlLocale(locale));
  const end = DateTime.fromJSDate(m.end).setZone(zone).setLocale(intlLocale(locale));
  return `${start.toLocaleString(DateTime.DATETIME_FULL)} – ${end.toLocaleString(DateTime.TIME_SIMPLE)}`;
};

/** A contact's accept / decline link for one meeting (or its series); valid until the meeting ends. */
export function rsvpUrl(meetingId: string, contactId: string, until: Date, now = new Date()): string {
  const days = Math.max(1, (until.getTime() - now.getTime()) / 86400_000 + 1);
  return linkUrl('/p/rsvp', signLink({ purpose: 'rsvp', contactId, requestId: meetingId, exp: expIn(now, days) }));
}

async function lastEnd(m: MeetingDoc): Promise<Date> {
  if (!m.seriesId) return m.end;
  const last = await lastOccurrenceEnd(m.seriesId);
  return last?.end ?? m.end;
}

const dayOf = (m: Pick<MeetingDoc, 'start'>, zone: string, locale: Locale): string =>
  DateTime.fromJSDate(m.start).setZone(zone).setLocale(intlLocale(locale)).toLocaleString(DateTime.DATE_FULL);

/**
 * Enqueues the message of one change to each attendee but its organizer: 'invite' and 'update'
 * send the meeting (or its whole series) as a REQUEST; 'cancel' (this meeting or occurrence) and
 * 'cancelFollowing' (the occurrences a "from this date on" cancelled) send a CANCEL that reads
 * as one, without answer links. The occurrence in the outbox key is the UID's SEQUENCE, so each
 * change sends once and enqueuing the same change twice sends once.
 */
export async function notifyMeetingChange(meetingId: Types.ObjectId, change: MeetingChange, now = new Date()): Promise<number> {
  const m = await meetingById(meetingId);
  if (!m) return 0;
  const plan = await planFor(m, change, now);
  return plan ? enqueuePlan(m, plan, now) : 0;
}

/**
 * After "edit from this date onward" split a series: the old series now ends before `oldMeetingId`
 * (its attendees get it again as a REQUEST with the shorter rule, or a cancellation when nothing of
 * it is left), and the new series starting at `newMeetingId` is sent as an update.
 */
export async function notifySeriesSplit(oldMeetingId: Types.ObjectId, newMeetingId: Types.ObjectId, now = new Date()): Promise<number> {
  const cut = await meetingById(oldMeetingId);
  let sent = 0;
  if (cut?.seriesId) {
    const last = await lastOccurrence(cut.seriesId);
    const plan = await planForCut(cut, last, now);
    sent += await enqueuePlan(last ?? cut, plan, now);
  }
  return sent + (await notifyMeetingChange(newMeetingId, 'update', now));
}

async function enqueuePlan(m: MeetingDoc, plan: Plan, now: Date): Promise<number> {
  const series = m.seriesId ? await seriesSequence(m.seriesId) : null;
  const sequence = Math.max(m.sequence ?? 0, series?.sequence ?? 0);
  const [until, owner, list] = await Promise.all([lastEnd(m), userName(m.ownerId), people(m)]);
  const shown = plan.shown;
  const messages: MessageInput[] = list
    .filter((p) => String(p.recipient.userId) !== String(m.ownerId))
    .map((p) => ({
      kind: plan.kind,
      subjectId: String(m.seriesId ?? m._id),
      occurrence: `${String(m._id)}.seq${sequence}`,
      to: p.recipient,
      data: {
        // One line each: a stored title or place with a line break must not break the subject.
        title: lineText(shown.title),
        when: when(shown, p.zone, p.recipient.locale),
        date: dayOf(shown, p.zone, p.recipient.locale),
        dates: plan.dates.map((o) => when(o, p.zone, p.recipient.locale)),
        zone: p.zone,
        place: lineText([shown.location, shown.videoUrl].filter(Boolean).join(' · ')),
        agenda: plan.method === 'REQUEST' ? shown.agenda : '',
        organizer: lineText(owner ?? ''),
        context: plan.context,
        series: Boolean(m.seriesId),
        link: p.recipient.userId ? `${config.baseUrl}/meetings/${String(shown._id)}` : '',
        rsvpLink:
          p.recipient.contactId && plan.method === 'REQUEST' ? rsvpUrl(String(shown._id), String(p.recipient.contactId), until, now) : '',
      },
      icalEvent: { method: plan.method, content: plan.ics },
      // Nobody needs an invitation to a meeting that is over.
      expiresAt: until,
    }));
  const results = await enqueueMessages(messages, now);
  return results.filter((r) => r === 'created').length;
}

// Reminders before each meeting, to every attendee whose lead time has begun. --------------------
registerKind({
  kind: 'meeting_reminder',
  schedule: 'tick',
  async findDue(now) {
    const horizon = new Date(now.getTime() + Math.max(MAX_LEAD_HOURS, config.reminders.meetingLeadHours) * 3600_000);
    const meetings = await meetingsStartingWithin(now, horizon);
    const out: MessageInput[] = [];
    for (const m of meetings) {
      for (const p of await people(m)) {
        if (m.start.getTime() - p.leadHours * 3600_000 > now.getTime()) continue;
        out.push({
          kind: 'meeting_reminder',
          subjectId: String(m._id),
          // A moved meeting gets a reminder for its new time.
          occurrence: m.start.toISOString(),
          to: p.recipient,
          data: {
            title: m.title,
            when: when(m, p.zone, p.recipient.locale),
            place: [m.location, m.videoUrl].filter(Boolean).join(' · '),
            link: p.recipient.userId ? `${config.baseUrl}/meetings/${String(m._id)}` : '',
          },
          // Once the meeting has started, a reminder still waiting is skipped, not sent.
          expiresAt: m.start,
        });
      }
    }
    return out;
  },
});

// Accept / decline from a partner contact. ---------------------------------------------------------

export type RsvpOpen =
  | { ok: true; meeting: MeetingDoc; contactId: string; contactName: string; locale: Locale; response: string }
  | { ok: false; reason: 'invalid' | 'expired' };

export async function openRsvp(token: unknown, now = new Date()): Promise<RsvpOpen> {
  const check = verifyLink(token, 'rsvp', now);
  if (!check.ok) return { ok: false, reason: check.reason };
  if (!Types.ObjectId.isValid(check.payload.requestId)) return { ok: false, reason: 'invalid' };
  const meeting = await liveMeeting(check.payload.requestId);
  const attendee = meeting?.attendees.find((a) => String(a.contactId) === check.payload.contactId);
  if (!meeting || !attendee) return { ok: false, reason: 'invalid' };
  const partner = await partnerContacts(meeting.partnerId);
  const contact = partner?.contacts.find((c) => String(c._id) === check.payload.contactId);
  return {
    ok: true,
    meeting,
    contactId: check.payload.contactId,
    contactName: attendee.name,
    locale: contact?.locale ?? 'fr',
    response: attendee.response,
  };
}

/**
 * Records the answer on the meeting and, for a series, on every occurrence not yet over and not
 * cancelled. A cancelled meeting takes no answer: false, nothing recorded.
 */
export async function recordRsvp(meeting: MeetingDoc, contactId: string, answer: RsvpAnswer, now = new Date()): Promise<boolean> {
  if (meeting.cancelled) return false;
  await recordContactAnswer(meeting, contactId, answer, now);
  return true;
}
