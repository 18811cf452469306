// Which message a meeting change sends (see notifyMeetingChange in meetings.ts): an invitation or
// update (REQUEST) or a cancellation (CANCEL) that reads as one, and the .ics it carries.
import { cancellationIcs, icsForMeeting } from '../meetings/calendar-files.js';
import type { MeetingDoc } from '../meetings/model.js';
import { cancelledOccurrences, seriesGoesOn, seriesSequence } from '../meetings/occurrences.js';

export type MeetingChange = 'invite' | 'update' | 'cancel' | 'cancelFollowing';

/**
 * What one change sends: an invitation or update (kind meeting_invitation, METHOD:REQUEST of the
 * meeting or its whole series) or a cancellation (kind meeting_cancelled, METHOD:CANCEL of the
 * whole UID or of some occurrences). `context` picks the wording (i18next context of the subject
 * and body); `dates` are the occurrences a cancellation lists.
 */
export interface Plan {
  kind: 'meeting_invitation' | 'meeting_cancelled';
  method: 'REQUEST' | 'CANCEL';
  context: '' | 'update' | 'shortened' | 'occurrence' | 'following' | 'series' | 'replaced';
  ics: string;
  /** The occurrence whose title, time and place the message shows. */
  shown: MeetingDoc;
  dates: MeetingDoc[];
}

export async function planFor(m: MeetingDoc, change: MeetingChange, now: Date): Promise<Plan | null> {
  if (change === 'invite' || change === 'update') {
    const ics = await icsForMeeting(m._id, 'REQUEST', now);
    return { kind: 'meeting_invitation', method: 'REQUEST', context: change === 'update' ? 'update' : '', ics, shown: m, dates: [] };
  }
  const cancel = (context: Plan['context'], occurrences: MeetingDoc[] | null, dates: MeetingDoc[]) =>
    cancellationIcs(m, occurrences, now).then((ics): Plan => ({
      kind: 'meeting_cancelled',
      method: 'CANCEL',
      context,
      ics,
      shown: dates[0] ?? m,
      dates,
    }));
  if (!m.seriesId) return cancel('', null, [m]);
  if (!(await seriesGoesOn(m.seriesId))) return cancel('series', null, [m]);
  if (change === 'cancel') return m.cancelled ? cancel('occurrence', [m], [m]) : null;
  // From this occurrence on: those the change cancelled carry the series' new SEQUENCE.
  const series = await seriesSequence(m.seriesId);
  const from = (m.originalStart ?? m.start).getTime();
  const cancelled = (await cancelledOccurrences(m.seriesId)).filter(
    (o) => (o.originalStart ?? o.start).getTime() >= from && o.sequence === series?.sequence,
  );
  return cancelled.length ? cancel('following', cancelled, cancelled) : null;
}

/**
 * After a split, the old series: cut before the new one (sent again as a REQUEST with its shorter
 * rule, shown by its last occurrence `last`), or, when nothing of it is left, cancelled as replaced.
 */
export async function planForCut(cut: MeetingDoc, last: MeetingDoc | null, now: Date): Promise<Plan> {
  if (last)
    return {
      kind: 'meeting_invitation',
      method: 'REQUEST',
      context: 'shortened',
      ics: await icsForMeeting(last._id, 'REQUEST', now),
      shown: last,
      dates: [],
    };
  return {
    kind: 'meeting_cancelled',
    method: 'CANCEL',
    context: 'replaced',
    ics: await cancellationIcs(cut, null, now),
    shown: cut,
    dates: [],
  };
}
