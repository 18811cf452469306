// What other features read of meetings and series outside the directory: the meeting messages
// (reminders/meetings.ts, meeting-plans.ts), task contexts and the partner deletion rule. Each is the
// query its caller made before; the one write is a contact's answer to an invitation.
import type { Types } from 'mongoose';
import { MeetingModel, MeetingSeriesModel, updateMeetingsById, type MeetingDoc } from './model.js';

type Id = Types.ObjectId | string;

/** A meeting, archived or not, or null. */
export const meetingById = (id: Id) => MeetingModel.findById(id).lean();

/** A meeting not archived, or null. */
export const liveMeeting = (id: Id) => MeetingModel.findOne({ _id: id, archived: false }).lean();

/** Titles of meetings by id, in one query. */
export async function meetingTitles(ids: readonly Id[]): Promise<Map<string, string>> {
  const list = await MeetingModel.find({ _id: { $in: ids } }, { title: 1 }).lean();
  return new Map(list.map((m) => [String(m._id), m.title]));
}

/** The series' SEQUENCE (its .ics revision), or null when there is no such series. */
export const seriesSequence = (seriesId: Id) => MeetingSeriesModel.findById(seriesId, { sequence: 1 }).lean();

/** Is anything of the series still planned (not archived, not cancelled)? */
export const seriesGoesOn = async (seriesId: Types.ObjectId): Promise<boolean> =>
  Boolean(await MeetingModel.exists({ seriesId, archived: false, cancelled: false }));

/** The end of the series' last occurrence (by start), or null. */
export const lastOccurrenceEnd = (seriesId: Types.ObjectId) =>
  MeetingModel.findOne({ seriesId, archived: false }, { end: 1 }).sort({ start: -1 }).lean();

/** The series' last occurrence by its original start, or null. */
export const lastOccurrence = (seriesId: Types.ObjectId) =>
  MeetingModel.findOne({ seriesId, archived: false }).sort({ originalStart: -1 }).lean();

/** The cancelled occurrences of a series, by original start. */
export const cancelledOccurrences = (seriesId: Types.ObjectId) =>
  MeetingModel.find({ seriesId, archived: false, cancelled: true }).sort({ originalStart: 1 }).lean();

/** Planned meetings starting in (from, to], soonest first (at most 2,000): the meeting reminders. */
export const meetingsStartingWithin = (from: Date, to: Date) =>
  MeetingModel.find({ start: { $gt: from, $lte: to }, cancelled: false, archived: false })
    .sort({ start: 1 })
    .limit(2000)
    .lean();

/** How many meetings and series name the partner. */
export async function countMeetingsOfPartner(partnerId: Types.ObjectId): Promise<{ meetings: number; series: number }> {
  const [meetings, series] = await Promise.all([
    MeetingModel.countDocuments({ partnerId }),
    MeetingSeriesModel.countDocuments({ partnerId }),
  ]);
  return { meetings, series };
}

/**
 * Records a contact's answer on the meeting and, for a series, on every occurrence not yet over and
 * not cancelled.
 */
export async function recordContactAnswer(
  meeting: MeetingDoc,
  contactId: string,
  answer: 'accepted' | 'declined',
  now: Date,
): Promise<void> {
  const filter = meeting.seriesId
    ? { seriesId: meeting.seriesId, archived: false, cancelled: false, $or: [{ _id: meeting._id }, { end: { $gt: now } }] }
    : { _id: meeting._id };
  const docs = await MeetingModel.find(filter, { attendees: 1 }).lean();
  const ops = docs
    .filter((d) => d.attendees.some((a) => String(a.contactId) === contactId))
    .map((d) => ({
      updateOne: {
        filter: { _id: d._id },
        // The whole array is rewritten: FerretDB has no positional updates.
        update: { $set: { attendees: d.attendees.map((a) => (String(a.contactId) === contactId ? { ...a, response: answer } : a)) } },
      },
    }));
  await updateMeetingsById(ops);
}
