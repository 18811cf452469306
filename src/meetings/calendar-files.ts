// The .ics files of one meeting: its download and feed form (PUBLISH), the invitation or update
// mailed to attendees (REQUEST), and the cancellations (CANCEL) of a whole meeting or series or of
// some occurrences. DTSTAMP is the moment the file is made (`now`), as RFC 5545 asks of a file with
// a METHOD; SEQUENCE is the UID's current one (sequence.ts raised it when the meeting changed).
import type { Types } from 'mongoose';
import { config } from '../config.js';
import { notFound } from '../http/errors.js';
import { addCancelledOccurrences, addSeries, addSingle, newCalendar, seriesSequence, type IcsMethod, type IcsPeople } from './ics.js';
import { MeetingModel, MeetingSeriesModel, type MeetingDoc } from './model.js';
import { organizer } from '../users/people.js';

const baseUrl = () => config.baseUrl.replace(/\/$/, '');

async function invitationPeople(m: MeetingDoc): Promise<IcsPeople> {
  const owner = await organizer(m.ownerId);
  return { organizer: { name: owner?.name ?? 'Passerelle', email: owner?.email ?? 'noreply@passerelle.invalid' }, attendees: m.attendees };
}

/** The .ics of a meeting: the whole series (RRULE, EXDATE, moved occurrences) when it is part of one. */
export async function icsForMeeting(meetingId: Types.ObjectId, method: IcsMethod = 'PUBLISH', now = new Date()): Promise<string> {
  const m = await MeetingModel.findOne({ _id: meetingId, archived: false }).lean();
  if (!m) throw notFound();
  const cal = newCalendar(m.title, method);
  const opts = { cancelled: method === 'CANCEL', who: method === 'PUBLISH' ? undefined : await invitationPeople(m), stamp: now };
  if (m.seriesId) {
    const series = await MeetingSeriesModel.findById(m.seriesId).lean();
    if (!series) throw notFound();
    const occ = await MeetingModel.find({ seriesId: series._id, archived: false }).sort({ start: 1 }).lean();
    addSeries(cal, series, occ, baseUrl(), opts);
  } else addSingle(cal, m, baseUrl(), opts);
  return cal.toString();
}

/**
 * The METHOD:CANCEL of a meeting: of its whole UID (a single meeting, or a series with nothing
 * left, or one replaced by a new series) when `occurrences` is null, else of these occurrences
 * of its series only (one VEVENT with RECURRENCE-ID each; see addCancelledOccurrences).
 */
export async function cancellationIcs(m: MeetingDoc, occurrences: MeetingDoc[] | null, now = new Date()): Promise<string> {
  const cal = newCalendar(m.title, 'CANCEL');
  const opts = { cancelled: true, who: await invitationPeople(m), stamp: now };
  if (!m.seriesId) {
    addSingle(cal, m, baseUrl(), opts);
    return cal.toString();
  }
  const series = await MeetingSeriesModel.findById(m.seriesId).lean();
  if (!series) throw notFound();
  // Archived occurrences too: a series cut before its first occurrence has no other left.
  const all = await MeetingModel.find({ seriesId: series._id }).sort({ start: 1 }).lean();
  if (occurrences) addCancelledOccurrences(cal, series, occurrences, baseUrl(), seriesSequence(series, all), opts);
  else addSeries(cal, series, all, baseUrl(), opts);
  return cal.toString();
}
