// Meetings and recurring series: scheduling, occurrences (move, cancel, own minutes), minutes and
// action items. Lists and the agenda are in listing.ts, series splits in series-split.ts, the .ics in
// calendar-files.ts and the private feed in feed.ts; this module is the feature's public face for them.
import { mayWritePartner } from '../partners/policy.js';
import { Types } from 'mongoose';
import { recordAudit, type Actor } from '../audit/service.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import { claimRevision, RevisionConflict } from '../db/revision.js';
import { isManager, type Role } from '../users/roles.js';
import { nextSequence, nextSeriesSequence } from './sequence.js';
import { MeetingModel, MeetingSeriesModel, type MeetingDoc } from './model.js';
import type { MeetingKind } from './constants.js';
import { localToUtc, type Cadence, type MonthlyMode } from './recurrence.js';
import { usersWithEmail } from '../users/people.js';
import { partnerContactsAndArchived } from '../partners/contacts.js';
import { partnerOwner } from '../partners/lookups.js';
import { agreementPartners, agreementTeam } from '../agreements/lookups.js';
import { createMeetingTask } from '../tasks/service.js';
import { materialize, splitSeries, type OccurrenceChange } from './series-split.js';

export type { OccurrenceChange } from './series-split.js';

export interface MeetingActor extends Actor {
  role: Role;
}

export interface MeetingInput {
  kind: MeetingKind;
  title: string;
  partnerId: Types.ObjectId;
  agreementId: Types.ObjectId | null;
  date: string;
  time: string;
  durationMinutes: number;
  zone: string;
  location: string;
  videoUrl: string;
  agenda: string;
  userIds: Types.ObjectId[];
  contactIds: Types.ObjectId[];
  cadence: Cadence | 'none';
  monthlyMode: MonthlyMode;
  untilDate: string | null;
  count: number | null;
}

async function attendeesFor(partnerId: Types.ObjectId, userIds: Types.ObjectId[], contactIds: Types.ObjectId[]) {
  const [users, partner] = await Promise.all([userIds.length ? usersWithEmail(userIds) : [], partnerContactsAndArchived(partnerId)]);
  if (!partner || partner.archived) throw new RuleError('meetings:errors.partner');
  const wanted = new Set(contactIds.map(String));
  const contacts = partner.contacts.filter((c) => wanted.has(String(c._id)));
  return [
    ...users.map((u) => ({ userId: u._id, contactId: null, name: u.name, email: u.email, response: 'none' as const })),
    ...contacts.map((c) => ({ userId: null, contactId: c._id, name: c.name, email: c.email, response: 'none' as const })),
  ];
}

/** Who may change a meeting: its owner, a user attending, the agreement's team, managers and admins. */
export async function canEditMeeting(
  actor: MeetingActor,
  m: Pick<MeetingDoc, 'ownerId' | 'attendeeUserIds' | 'agreementId'>,
): Promise<boolean> {
  if (isManager(actor.role)) return true;
  if (String(m.ownerId) === String(actor._id)) return true;
  if (m.attendeeUserIds.some((u) => String(u) === String(actor._id))) return true;
  if (m.agreementId) {
    const a = await agreementTeam(m.agreementId);
    if (a && (String(a.ownerId) === String(actor._id) || a.teamIds.some((u) => String(u) === String(actor._id)))) return true;
  }
  return false;
}

async function assertAgreement(input: Pick<MeetingInput, 'agreementId' | 'partnerId'>) {
  if (!input.agreementId) return;
  const a = await agreementPartners(input.agreementId);
  if (!a || !a.partnerIds.some((p) => String(p) === String(input.partnerId))) throw new RuleError('meetings:errors.agreement');
}

/**
 * Inviting a partner's contacts mails them, so it is a write on the partner (partners/policy.ts); the
 * team of the agreement the meeting is for may too (assertAgreement checked the partner is on it).
 */
async function assertMayInviteContacts(actor: MeetingActor, input: Pick<MeetingInput, 'agreementId' | 'partnerId' | 'contactIds'>) {
  if (!input.contactIds.length) return;
  const partner = await partnerOwner(input.partnerId);
  if (!partner || mayWritePartner(actor, partner)) return; // an unknown partner is refused by attendeesFor
  const a = input.agreementId ? await agreementTeam(input.agreementId) : null;
  if (a && [a.ownerId, ...a.teamIds].some((u) => String(u) === String(actor._id))) return;
  throw new RuleError('meetings:errors.contactsNotYours', { name: partner.name });
}

/** Schedules a single meeting, or a series whose occurrences are materialized; returns the first meeting. */
export async function scheduleMeeting(actor: MeetingActor, input: MeetingInput): Promise<MeetingDoc> {
  await assertAgreement(input);
  await assertMayInviteContacts(actor, input);
  const attendees = await attendeesFor(input.partnerId, input.userIds, input.contactIds);
  const common = {
    kind: input.kind,
    title: input.title,
    partnerId: input.partnerId,
    agreementId: input.agreementId,
    ownerId: actor._id,
    durationMinutes: input.durationMinutes,
    zone: input.zone,
    location: input.location,
    videoUrl: input.videoUrl,
    agenda: input.agenda,
    attendees,
    attendeeUserIds: attendees.filter((a) => a.userId).map((a) => a.userId!),
    createdBy: actor._id,
  };
  if (input.cadence === 'none') {
    const start = localToUtc(input.date, input.time, input.zone);
    if (!start) throw new RuleError('meetings:errors.time');
    const m = await MeetingModel.create({ ...common, start, end: new Date(start.getTime() + input.durationMinutes * 60_000) });
    await recordAudit({ actor, entity: 'meeting', entityId: m._id, action: 'create', note: input.title });
    return m.toObject();
  }
  const series = await MeetingSeriesModel.create({
    cadence: input.cadence,
    monthlyMode: input.monthlyMode,
    startDate: input.date,
    startTime: input.time,
    durationMinutes: input.durationMinutes,
    zone: input.zone,
    untilDate: input.count ? null : input.untilDate,
    count: input.count,
    partnerId: input.partnerId,
    agreementId: input.agreementId,
    ownerId: actor._id,
  });
  const first = await materialize(series.toObject(), common);
  await recordAudit({ actor, entity: 'meetingSeries', entityId: series._id, action: 'create', note: `${input.title} (${input.cadence})` });
  return first;
}

export async function getMeeting(id: Types.ObjectId) {
  return MeetingModel.findOne({ _id: id, archived: false }).lean();
}

async function editable(actor: MeetingActor, id: Types.ObjectId) {
  const m = await MeetingModel.findOne({ _id: id, archived: false });
  if (!m) throw notFound();
  if (!(await canEditMeeting(actor, m))) throw forbidden();
  return m;
}

/** The form's revision wins the save (db/revision.ts), else a RevisionConflict with the meeting as it is. */
async function claimEdit(m: Awaited<ReturnType<typeof editable>>, rev: unknown) {
  if (!(await claimRevision('meeting', m._id, m.rev, rev))) throw new RevisionConflict('meetings:errors.conflict', m.toObject());
  m.rev += 1;
}

/**
 * Changes one meeting (or one occurrence: it becomes "moved" when its time changes, the series is
 * untouched), or with scope 'following' the series from this occurrence onward: the series ends
 * the day before and a new series starts here, keeping occurrences that already have minutes.
 */
export async function updateMeeting(
  actor: MeetingActor,
  id: Types.ObjectId,
  change: OccurrenceChange,
  scope: 'one' | 'following',
  rev: unknown,
) {
  const m = await editable(actor, id);
  const start = localToUtc(change.date, change.time, m.zone);
  if (!start) throw new RuleError('meetings:errors.time');
  await claimEdit(m, rev);
  if (scope === 'following' && m.seriesId) return splitSeries(actor, m.toObject(), change);
  const before = { title: m.title, start: m.start, durationMinutes: m.durationMinutes, location: m.location, videoUrl: m.videoUrl };
  m.title = change.title;
  m.location = change.location;
  m.videoUrl = change.videoUrl;
  if (start.getTime() !== m.start.getTime() || change.durationMinutes !== m.durationMinutes) m.moved = Boolean(m.seriesId);
  m.start = start;
  m.durationMinutes = change.durationMinutes;
  m.end = new Date(start.getTime() + change.durationMinutes * 60_000);
  m.sequence = await nextSequence(m);
  await m.save();
  await recordAudit({
    actor,
    entity: 'meeting',
    entityId: m._id,
    action: 'update',
    changes: [
      { field: 'start', from: before.start.toISOString(), to: start.toISOString() },
      { field: 'title', from: before.title, to: change.title },
    ].filter((c) => c.from !== c.to),
  });
  return m.toObject() as MeetingDoc;
}

/**
 * Cancels the occurrences of a series from this one onward (kept, marked cancelled: EXDATEs in the
 * series' .ics); occurrences that already have minutes stay. Returns how many were cancelled.
 */
export async function cancelFollowing(actor: MeetingActor, id: Types.ObjectId): Promise<number> {
  const m = await editable(actor, id);
  if (!m.seriesId) return (await cancelMeeting(actor, id), 1);
  const from = m.originalStart ?? m.start;
  const later = await MeetingModel.find(
    { seriesId: m.seriesId, archived: false, cancelled: false },
    { originalStart: 1, start: 1, minutes: 1, sequence: 1 },
  ).lean();
  const targets = later.filter((o) => (o.originalStart ?? o.start).getTime() >= from.getTime() && !o.minutes);
  if (targets.length) {
    // One change, one new SEQUENCE for the series: the occurrences it cancelled are those carrying it.
    const sequence = await nextSeriesSequence(m.seriesId);
    await MeetingModel.updateMany({ _id: { $in: targets.map((o) => o._id) } }, { $set: { cancelled: true, sequence }, $inc: { rev: 1 } });
  }
  await recordAudit({
    actor,
    entity: 'meetingSeries',
    entityId: m.seriesId,
    action: 'cancel',
    note: `${targets.length} from ${from.toISOString()}`,
  });
  return targets.length;
}

/** Cancels one meeting or occurrence (kept, marked cancelled: EXDATE in the series' .ics). */
export async function cancelMeeting(actor: MeetingActor, id: Types.ObjectId) {
  const m = await editable(actor, id);
  m.cancelled = true;
  m.rev += 1;
  m.sequence = await nextSequence(m);
  await m.save();
  await recordAudit({ actor, entity: 'meeting', entityId: m._id, action: 'cancel' });
  return m.toObject() as MeetingDoc;
}

export async function saveMinutes(
  actor: MeetingActor,
  id: Types.ObjectId,
  notes: { agenda: string; minutes: string; decisions: string },
  rev: unknown,
) {
  const m = await editable(actor, id);
  await claimEdit(m, rev);
  const changes = (['agenda', 'minutes', 'decisions'] as const)
    .filter((f) => m[f] !== notes[f])
    .map((f) => ({ field: f, from: m[f].slice(0, 200), to: notes[f].slice(0, 200) }));
  Object.assign(m, notes);
  await m.save();
  await recordAudit({ actor, entity: 'meeting', entityId: m._id, action: 'minutes', changes });
}

export async function addActionItem(
  actor: MeetingActor,
  id: Types.ObjectId,
  item: { title: string; ownerId: Types.ObjectId; dueDate: Date | null },
) {
  const m = await editable(actor, id);
  const task = await createMeetingTask({
    title: item.title,
    ownerId: item.ownerId,
    dueDate: item.dueDate,
    partnerId: m.partnerId,
    agreementId: m.agreementId,
    meetingId: m._id,
    createdBy: actor._id,
  });
  await recordAudit({ actor, entity: 'task', entityId: task._id, action: 'create', note: `meeting ${String(m._id)}` });
  return task;
}

export const seriesOccurrences = (seriesId: Types.ObjectId) =>
  MeetingModel.find({ seriesId, archived: false }, { start: 1, cancelled: 1, moved: 1, occurrenceKey: 1, minutes: 1 })
    .sort({ start: 1 })
    .limit(200)
    .lean();

export { tasksOfMeeting as actionItemsFor } from '../tasks/service.js';

// The .ics of one meeting (or its series) lives in calendar-files.ts.
export { icsForMeeting } from './calendar-files.js';

export { meetingScopeFilter, meetingsBetween, upcomingMeetings, partnerNames, defaultAgenda, type MeetingFilter } from './listing.js';
export { createFeedToken, revokeFeedTokens, hasActiveFeed, feedIcs } from './feed.js';
