// Recurring series: their occurrences made as meetings, and a series split at an occurrence ("this
// and the following"), with the notes and action items of the replaced occurrences carried over.
import { DateTime } from 'luxon';
import type { Types } from 'mongoose';
import { recordAudit } from '../audit/service.js';
import { notFound, RuleError } from '../http/errors.js';
import { moveMeetingTasks } from '../tasks/service.js';
import { MeetingModel, MeetingSeriesModel, updateMeetingsById, type MeetingDoc, type MeetingSeriesDoc } from './model.js';
import { occurrences } from './recurrence.js';
import { nextSeriesSequence } from './sequence.js';
import type { MeetingActor } from './service.js';

export interface OccurrenceChange {
  title: string;
  date: string;
  time: string;
  durationMinutes: number;
  location: string;
  videoUrl: string;
}

export async function materialize(series: MeetingSeriesDoc, common: Record<string, unknown>): Promise<MeetingDoc> {
  const occ = occurrences({ ...series, monthlyMode: series.monthlyMode ?? 'date' });
  if (!occ.length) throw new RuleError('meetings:errors.noOccurrence');
  const docs = await MeetingModel.insertMany(
    occ.map((o, i) => ({
      ...common,
      // Later occurrences start with an empty agenda: their page suggests one when it is opened.
      agenda: i === 0 ? common.agenda : '',
      seriesId: series._id,
      occurrenceKey: o.key,
      originalStart: o.start,
      start: o.start,
      end: new Date(o.start.getTime() + series.durationMinutes * 60_000),
    })),
  );
  return docs[0]!.toObject();
}

export async function splitSeries(actor: MeetingActor, m: MeetingDoc, change: OccurrenceChange) {
  const old = await MeetingSeriesModel.findById(m.seriesId);
  if (!old) throw notFound();
  const originalLocal = DateTime.fromJSDate(m.originalStart ?? m.start).setZone(old.zone);
  const following = await MeetingModel.find({
    seriesId: old._id,
    archived: false,
    originalStart: { $gte: m.originalStart ?? m.start },
  }).lean();
  const remaining = old.count
    ? old.count - (await MeetingModel.countDocuments({ seriesId: old._id, originalStart: { $lt: m.originalStart ?? m.start } }))
    : null;
  old.untilDate = originalLocal.minus({ days: 1 }).toISODate();
  old.count = null;
  old.sequence = await nextSeriesSequence(old._id);
  await old.save();
  // Occurrences from here on are replaced by the new series (kept archived, with any minutes they had).
  await MeetingModel.updateMany({ _id: { $in: following.map((f) => f._id) } }, { $set: { archived: true } });
  const series = await MeetingSeriesModel.create({
    cadence: old.cadence,
    monthlyMode: old.monthlyMode,
    startDate: change.date,
    startTime: change.time,
    durationMinutes: change.durationMinutes,
    zone: old.zone,
    untilDate: remaining
      ? null
      : old.untilDate && following.length
        ? DateTime.fromJSDate(following[following.length - 1]!.originalStart!)
            .setZone(old.zone)
            .toISODate()
        : null,
    count: remaining,
    partnerId: old.partnerId,
    agreementId: old.agreementId,
    ownerId: old.ownerId,
    previousSeriesId: old._id,
  });
  const first = await materialize(series.toObject(), {
    kind: m.kind,
    title: change.title,
    partnerId: m.partnerId,
    agreementId: m.agreementId,
    ownerId: m.ownerId,
    durationMinutes: change.durationMinutes,
    zone: m.zone,
    location: change.location,
    videoUrl: change.videoUrl,
    agenda: m.agenda,
    attendees: m.attendees,
    attendeeUserIds: m.attendeeUserIds,
    createdBy: actor._id,
  });
  await carryOver(following, series._id, old.zone);
  await recordAudit({ actor, entity: 'meetingSeries', entityId: old._id, action: 'split', note: String(series._id) });
  return first;
}

/**
 * After a split, notes and action items written on a replaced occurrence move to the new
 * occurrence on the same local day (if the new rule still has one).
 */
async function carryOver(replaced: MeetingDoc[], newSeriesId: Types.ObjectId, zone: string) {
  const day = (d: Date) => DateTime.fromJSDate(d).setZone(zone).toISODate();
  const fresh = await MeetingModel.find({ seriesId: newSeriesId }, { start: 1 }).lean();
  const byDay = new Map(fresh.map((f) => [day(f.start), f._id]));
  const targets = new Map<string, Types.ObjectId>();
  const meetingOps = [];
  for (const r of replaced) {
    const target = byDay.get(day(r.originalStart ?? r.start));
    if (!target) continue;
    if (r.minutes || r.decisions)
      meetingOps.push({
        updateOne: { filter: { _id: target }, update: { $set: { agenda: r.agenda, minutes: r.minutes, decisions: r.decisions } } },
      });
    targets.set(String(r._id), target);
  }
  await updateMeetingsById(meetingOps);
  await moveMeetingTasks(
    replaced.map((r) => r._id),
    targets,
  );
}
