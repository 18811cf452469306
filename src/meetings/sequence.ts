// The iCalendar SEQUENCE of a UID (a single meeting, or a whole series with its occurrences):
// every change sent to attendees must carry a number above all earlier ones (RFC 5546 §2.1.4), or
// a calendar that applied the last update ignores the next one. One counter per UID, kept on the
// series (or the meeting); each number is claimed once with a unique insert (claimOnce), so two
// changes at the same moment, even in two processes, still get two different numbers.
import type { Types } from 'mongoose';
import { claimOnce } from '../db/claim.js';
import { meetingUid, seriesUid } from './ics.js';
import { MeetingModel, MeetingSeriesModel, type MeetingDoc } from './model.js';

/** The first number above `floor` that nobody has claimed for this UID. */
async function claimAbove(uid: string, floor: number): Promise<number> {
  for (let n = floor + 1; ; n += 1) if (await claimOnce(`ics-sequence:${uid}:${n}`)) return n;
}

/** The next SEQUENCE of a series' UID (above the series' and every occurrence's, archived ones too), stored on the series. */
export async function nextSeriesSequence(seriesId: Types.ObjectId): Promise<number> {
  const [series, top] = await Promise.all([
    MeetingSeriesModel.findById(seriesId, { sequence: 1 }).lean(),
    MeetingModel.findOne({ seriesId }, { sequence: 1 }).sort({ sequence: -1 }).lean(),
  ]);
  const n = await claimAbove(seriesUid(seriesId), Math.max(series?.sequence ?? 0, top?.sequence ?? 0));
  await MeetingSeriesModel.updateOne({ _id: seriesId }, { $max: { sequence: n } });
  return n;
}

/** The next SEQUENCE of a meeting's UID: its series' when it has one, else its own. */
export async function nextSequence(m: Pick<MeetingDoc, '_id' | 'seriesId' | 'sequence'>): Promise<number> {
  if (m.seriesId) return nextSeriesSequence(m.seriesId);
  return claimAbove(meetingUid(m), m.sequence ?? 0);
}
