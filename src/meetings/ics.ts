// iCalendar (RFC 5545) output: a series is one VEVENT with RRULE and EXDATE (cancelled occurrences)
// plus one VEVENT per moved occurrence (same UID, RECURRENCE-ID = its original local start); a
// single meeting is one VEVENT. UIDs never change and SEQUENCE grows with every change (one number
// per UID, the same on every component of a message), so a calendar app replaces an event instead
// of duplicating it. Every text goes through ics-text.ts: nothing stored can add a line.
import ical, { ICalCalendarMethod, ICalEventStatus, type ICalCalendar } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { MeetingDoc, MeetingSeriesDoc } from './model.js';
import { rruleText } from './recurrence.js';
import { blockText, escapeText, lineText, mailAddress, paramText, webAddress, zoneName } from './ics-text.js';

export type IcsMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

export const seriesUid = (seriesId: { toString(): string }): string => `${String(seriesId)}@passerelle`;
export const meetingUid = (m: Pick<MeetingDoc, '_id' | 'seriesId'>): string =>
  m.seriesId ? seriesUid(m.seriesId) : `${String(m._id)}@passerelle`;

function vtimezone(zone: string): string | null {
  const block = tzlib_get_ical_block(zone);
  return Array.isArray(block) && block[0] ? block[0] : null;
}

export function newCalendar(name: string, method: IcsMethod = 'PUBLISH'): ICalCalendar {
  // ical-generator writes NAME and X-WR-CALNAME verbatim: escaped here.
  const cal = ical({ name: escapeText(name), prodId: { company: 'Passerelle', product: 'Passerelle', language: 'FR' } });
  cal.method(ICalCalendarMethod[method]);
  cal.timezone({ name: null, generator: vtimezone });
  return cal;
}

/** Organizer and attendees: required by invitations (METHOD:REQUEST/CANCEL, RFC 5546), left out of feeds. */
export interface IcsPeople {
  organizer: { name: string; email: string };
  attendees: { name: string; email: string }[];
}

/** How a meeting is written: for which message (cancelled), to whom, and when the message is made. */
export interface IcsOptions {
  cancelled?: boolean;
  who?: IcsPeople;
  /** DTSTAMP: with a METHOD, the time the message was created (RFC 5545 §3.8.7.2), so "now". */
  stamp?: Date;
}

function people(p: IcsPeople | undefined) {
  if (!p) return {};
  return {
    organizer: { name: paramText(p.organizer.name), email: mailAddress(p.organizer.email) ?? 'noreply@passerelle.invalid' },
    attendees: p.attendees.flatMap((a) => {
      const email = mailAddress(a.email);
      return email ? [{ name: paramText(a.name), email, rsvp: true }] : [];
    }),
  };
}

const local = (d: Date, zone: string) => DateTime.fromJSDate(d).setZone(zone);

function describe(m: MeetingDoc, baseUrl: string): string {
  return [blockText(m.agenda), webAddress(m.videoUrl), `${baseUrl}/meetings/${String(m._id)}`].filter(Boolean).join('\n\n');
}

/** What every VEVENT of a meeting says about its content. */
function content(m: MeetingDoc, baseUrl: string) {
  return {
    summary: lineText(m.title),
    location: lineText(m.location) || null,
    url: webAddress(m.videoUrl),
    description: describe(m, baseUrl),
  };
}

/** Adds one meeting that is not part of a series. */
export function addSingle(cal: ICalCalendar, m: MeetingDoc, baseUrl: string, opts: IcsOptions = {}): void {
  const zone = zoneName(m.zone);
  cal.createEvent({
    ...people(opts.who),
    ...content(m, baseUrl),
    id: meetingUid(m),
    sequence: m.sequence ?? 0,
    start: local(m.start, zone),
    end: local(m.end, zone),
    timezone: zone,
    status: opts.cancelled || m.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    stamp: opts.stamp ?? new Date(),
  });
}

/** The SEQUENCE of a series' UID: the highest of the series and of its occurrences. */
export const seriesSequence = (series: MeetingSeriesDoc, occurrences: MeetingDoc[]): number =>
  Math.max(series.sequence ?? 0, ...occurrences.map((o) => o.sequence ?? 0));

/**
 * Adds a series: the master event (its first occurrence's content, RRULE, EXDATE for every
 * cancelled occurrence) and an override for each occurrence that was moved.
 */
export function addSeries(
  cal: ICalCalendar,
  series: MeetingSeriesDoc,
  occurrences: MeetingDoc[],
  baseUrl: string,
  opts: IcsOptions = {},
): void {
  const first = occurrences.find((o) => o.occurrenceKey === `${series.startDate}T${series.startTime}`) ?? occurrences[0];
  if (!first) return;
  const zone = zoneName(series.zone);
  const dtstart = DateTime.fromISO(`${series.startDate}T${series.startTime}`, { zone });
  let rule = rruleText({ ...series, monthlyMode: series.monthlyMode ?? 'date' });
  if (series.untilDate) {
    // With a TZID start, UNTIL must be in UTC (RFC 5545 §3.3.10): the end of the last local day.
    const until = DateTime.fromISO(`${series.untilDate}T23:59:59`, { zone }).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
    rule = rule.replace(/UNTIL=[0-9TZ]+/, `UNTIL=${until}`);
  }
  const lines = [`RRULE:${rule}`];
  const exdates = occurrences.filter((o) => o.cancelled && o.originalStart);
  if (exdates.length)
    lines.push(`EXDATE;TZID=${zone}:${exdates.map((o) => local(o.originalStart!, zone).toFormat("yyyyMMdd'T'HHmmss")).join(',')}`);
  const sequence = seriesSequence(series, occurrences);
  const stamp = opts.stamp ?? new Date();
  cal.createEvent({
    ...people(opts.who),
    ...content(first, baseUrl),
    id: seriesUid(series._id),
    sequence,
    start: dtstart,
    end: dtstart.plus({ minutes: series.durationMinutes }),
    timezone: zone,
    repeating: lines.join('\n'),
    status: opts.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    stamp,
  });
  if (opts.cancelled) return;
  for (const o of occurrences) {
    if (!o.moved || o.cancelled || !o.originalStart) continue;
    cal.createEvent({
      ...people(opts.who),
      ...content(o, baseUrl),
      id: seriesUid(series._id),
      sequence,
      recurrenceId: local(o.originalStart, zone),
      start: local(o.start, zone),
      end: local(o.end, zone),
      timezone: zone,
      stamp,
    });
  }
}

/**
 * Cancels some occurrences of a series that goes on (METHOD:CANCEL): one VEVENT per occurrence,
 * named by its RECURRENCE-ID (the original start, also for a moved one), STATUS:CANCELLED.
 *
 * Why a CANCEL with RECURRENCE-ID rather than a REQUEST of the series with one more EXDATE: it is
 * what RFC 5546 §3.2.5 prescribes for cancelling instances ("the RECURRENCE-ID property value for
 * the event MUST be specified"), and what Google Calendar, Outlook/Exchange and Apple Calendar
 * themselves send when an organizer deletes one occurrence, so each of them applies it, shows it
 * as a cancellation (no answer buttons) and leaves the rest of the series as it is. Several
 * occurrences ("from this date on") are one VEVENT each in one message (§3.2.5 option b), not
 * RANGE=THISANDFUTURE, which Google and Outlook ignore, and which could not skip the occurrences
 * kept for their minutes. The SEQUENCE is the series' new one (above every message sent before);
 * the next REQUEST of the series carries the EXDATEs with a higher one still.
 */
export function addCancelledOccurrences(
  cal: ICalCalendar,
  series: MeetingSeriesDoc,
  cancelled: MeetingDoc[],
  baseUrl: string,
  sequence: number,
  opts: IcsOptions = {},
): void {
  const zone = zoneName(series.zone);
  for (const o of cancelled) {
    if (!o.originalStart) continue;
    cal.createEvent({
      ...people(opts.who),
      ...content(o, baseUrl),
      id: seriesUid(series._id),
      sequence,
      recurrenceId: local(o.originalStart, zone),
      start: local(o.start, zone),
      end: local(o.end, zone),
      timezone: zone,
      status: ICalEventStatus.CANCELLED,
      stamp: opts.stamp ?? new Date(),
    });
  }
}
