// iCalendar (RFC 5545) output: a series is one VEVENT with RRULE and EXDATE (cancelled occurrences)
// plus one VEVENT per moved occurrence (same UID, RECURRENCE-ID = its original local start); a
// single meeting is one VEVENT. UIDs never change and SEQUENCE grows with every change, so a
// calendar app replaces an event instead of duplicating it.
import ical, { ICalCalendarMethod, ICalEventStatus, type ICalCalendar } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { MeetingDoc, MeetingSeriesDoc } from './model.js';
import { rruleText } from './recurrence.js';

export type IcsMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

export const seriesUid = (seriesId: { toString(): string }): string => `${String(seriesId)}@passerelle`;
export const meetingUid = (m: Pick<MeetingDoc, '_id' | 'seriesId'>): string =>
  m.seriesId ? seriesUid(m.seriesId) : `${String(m._id)}@passerelle`;

function vtimezone(zone: string): string | null {
  const block = tzlib_get_ical_block(zone);
  return Array.isArray(block) && block[0] ? block[0] : null;
}

export function newCalendar(name: string, method: IcsMethod = 'PUBLISH'): ICalCalendar {
  const cal = ical({ name, prodId: { company: 'Passerelle', product: 'Passerelle', language: 'FR' } });
  cal.method(ICalCalendarMethod[method]);
  cal.timezone({ name: null, generator: vtimezone });
  return cal;
}

/** Organizer and attendees: required by invitations (METHOD:REQUEST/CANCEL, RFC 5546), left out of feeds. */
export interface IcsPeople {
  organizer: { name: string; email: string };
  attendees: { name: string; email: string }[];
}

function people(p: IcsPeople | undefined) {
  if (!p) return {};
  return {
    organizer: p.organizer,
    attendees: p.attendees.filter((a) => a.email).map((a) => ({ name: a.name, email: a.email, rsvp: true })),
  };
}

const local = (d: Date, zone: string) => DateTime.fromJSDate(d).setZone(zone);

function describe(m: MeetingDoc, baseUrl: string): string {
  return [m.agenda, m.videoUrl, `${baseUrl}/meetings/${String(m._id)}`].filter(Boolean).join('\n\n');
}

/** Adds one meeting that is not part of a series. */
export function addSingle(cal: ICalCalendar, m: MeetingDoc, baseUrl: string, cancelled = false, who?: IcsPeople): void {
  cal.createEvent({
    ...people(who),
    id: meetingUid(m),
    sequence: m.sequence,
    start: local(m.start, m.zone),
    end: local(m.end, m.zone),
    timezone: m.zone,
    summary: m.title,
    location: m.location || null,
    url: m.videoUrl || null,
    description: describe(m, baseUrl),
    status: cancelled || m.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    stamp: m.updatedAt ?? new Date(),
  });
}

/**
 * Adds a series: the master event (its first occurrence's content, RRULE, EXDATE for every
 * cancelled occurrence) and an override for each occurrence that was moved.
 */
export function addSeries(
  cal: ICalCalendar,
  series: MeetingSeriesDoc,
  occurrences: MeetingDoc[],
  baseUrl: string,
  cancelled = false,
  who?: IcsPeople,
): void {
  const first = occurrences.find((o) => o.occurrenceKey === `${series.startDate}T${series.startTime}`) ?? occurrences[0];
  if (!first) return;
  const zone = series.zone;
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
  const sequence = Math.max(series.sequence ?? 0, ...occurrences.map((o) => o.sequence ?? 0));
  cal.createEvent({
    ...people(who),
    id: seriesUid(series._id),
    sequence,
    start: dtstart,
    end: dtstart.plus({ minutes: series.durationMinutes }),
    timezone: zone,
    summary: first.title,
    location: first.location || null,
    url: first.videoUrl || null,
    description: describe(first, baseUrl),
    repeating: lines.join('\n'),
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    stamp: series.updatedAt ?? new Date(),
  });
  if (cancelled) return;
  for (const o of occurrences) {
    if (!o.moved || o.cancelled || !o.originalStart) continue;
    cal.createEvent({
      ...people(who),
      id: seriesUid(series._id),
      sequence: o.sequence,
      recurrenceId: local(o.originalStart, zone),
      start: local(o.start, zone),
      end: local(o.end, zone),
      timezone: zone,
      summary: o.title,
      location: o.location || null,
      url: o.videoUrl || null,
      description: describe(o, baseUrl),
      stamp: o.updatedAt ?? new Date(),
    });
  }
}
