// Meetings and recurring series: scheduling, occurrences (move, cancel, own minutes), minutes and
// action items, calendar queries, .ics output and the private calendar feed.
import { partnerNamesById } from '../partners/directory.js';
import { mayWritePartner } from '../partners/policy.js';
import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { config } from '../config.js';
import { recordAudit, type Actor } from '../audit/service.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import { claimRevision, RevisionConflict } from '../db/revision.js';
import { isManager, type Role } from '../users/roles.js';
import { addSeries, addSingle, newCalendar } from './ics.js';
import { nextSequence, nextSeriesSequence } from './sequence.js';
import {
  CalendarFeedModel,
  MeetingModel,
  MeetingSeriesModel,
  updateMeetingsById,
  type MeetingDoc,
  type MeetingSeriesDoc,
} from './model.js';
import type { MeetingKind } from './constants.js';
import { localToUtc, occurrences, type Cadence, type MonthlyMode } from './recurrence.js';
import { measurementsOf } from '../agreements/measurements-directory.js';
import { agreementsMatching } from '../agreements/directory.js';
import { matcher, type Filter } from '../db/query.js';
import { meetingsStartingBetween, type ListedMeeting } from './directory.js';
import { activeUserName, usersWithEmail } from '../users/people.js';
import { partnerContactsAndArchived } from '../partners/contacts.js';
import { partnerOwner } from '../partners/lookups.js';
import { agreementKpis, agreementPartners, agreementTeam } from '../agreements/lookups.js';
import { createMeetingTask, moveMeetingTasks, openTasksOf } from '../tasks/service.js';

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

const baseUrl = () => config.baseUrl.replace(/\/$/, '');

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

async function materialize(series: MeetingSeriesDoc, common: Record<string, unknown>): Promise<MeetingDoc> {
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

export interface OccurrenceChange {
  title: string;
  date: string;
  time: string;
  durationMinutes: number;
  location: string;
  videoUrl: string;
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

async function splitSeries(actor: MeetingActor, m: MeetingDoc, change: OccurrenceChange) {
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

export interface MeetingFilter {
  /** 'mine': owner or attendee; 'team': also the meetings of agreements I am on; 'all'. */
  scope?: 'mine' | 'team' | 'all';
  userId?: Types.ObjectId;
  partnerId?: Types.ObjectId;
  agreementId?: Types.ObjectId;
  includeCancelled?: boolean;
}

/**
 * The scope as a MongoDB filter: matched against the meeting directory's rows by the pages, and sent
 * to the database by the calendar feed. The agreements "I am on" come from the agreement directory.
 */
export async function meetingScopeFilter(f: MeetingFilter): Promise<Filter> {
  const q: Filter = { archived: false };
  if (!f.includeCancelled) q.cancelled = false;
  if (f.partnerId) q.partnerId = f.partnerId;
  if (f.agreementId) q.agreementId = f.agreementId;
  if (f.userId && f.scope !== 'all') {
    const or: Filter[] = [{ ownerId: f.userId }, { attendeeUserIds: f.userId }];
    if (f.scope === 'team') {
      const mine = await agreementsMatching({ $or: [{ ownerId: f.userId }, { teamIds: f.userId }] }, { _id: 1 });
      if (mine.length) or.push({ agreementId: { $in: mine.map((a) => a._id) } });
    }
    q.$or = or;
  }
  return q;
}

/** Meetings starting in [from, to), oldest first (at most 1,000): for the calendar and the home page. */
export async function meetingsBetween(from: Date, to: Date, filter: MeetingFilter = {}): Promise<ListedMeeting[]> {
  const [rows, scope] = await Promise.all([meetingsStartingBetween(from, to), meetingScopeFilter(filter)]);
  return rows.filter(matcher<ListedMeeting>(scope)).slice(0, 1000);
}

export async function upcomingMeetings(from: Date, filter: MeetingFilter, page: { page: number; perPage: number }) {
  const [rows, scope] = await Promise.all([meetingsStartingBetween(from, null), meetingScopeFilter(filter)]);
  const all = rows.filter(matcher<ListedMeeting>(scope));
  return { items: all.slice((page.page - 1) * page.perPage, page.page * page.perPage), total: all.length };
}

/** Names of partners for a list of meetings (one query). */
export async function partnerNames(ids: Types.ObjectId[]): Promise<Map<string, string>> {
  return partnerNamesById(ids);
}

/**
 * The agenda a new meeting starts with: open action items of the partner/agreement, and the KPI
 * values recorded since the previous meeting (of the series, else of the agreement).
 */
export async function defaultAgenda(opts: {
  partnerId: Types.ObjectId;
  agreementId: Types.ObjectId | null;
  seriesId?: Types.ObjectId | null;
  before: Date;
  t: (k: string, o?: Record<string, unknown>) => string;
}): Promise<string> {
  const taskQuery = opts.agreementId ? { agreementId: opts.agreementId } : { partnerId: opts.partnerId };
  const tasks = await openTasksOf(taskQuery);
  const lines: string[] = [];
  if (tasks.length) {
    lines.push(opts.t('meetings:agenda.openItems'));
    for (const task of tasks) lines.push(`- ${task.title}${task.dueDate ? ` (${DateTime.fromJSDate(task.dueDate).toISODate()})` : ''}`);
  }
  if (opts.agreementId) {
    const agreement = await agreementKpis(opts.agreementId);
    const prev = await MeetingModel.findOne({
      ...(opts.seriesId ? { seriesId: opts.seriesId } : { agreementId: opts.agreementId }),
      archived: false,
      cancelled: false,
      start: { $lt: opts.before },
    })
      .sort({ start: -1 })
      .lean();
    const since = prev?.start ?? new Date(0);
    const values = (await measurementsOf(opts.agreementId)).filter((m) => m.createdAt >= since).slice(0, 100);
    if (values.length && agreement) {
      const names = new Map(agreement.kpis.map((k) => [String(k._id), k.name]));
      if (lines.length) lines.push('');
      lines.push(opts.t('meetings:agenda.kpiValues'));
      for (const v of values)
        lines.push(`- ${names.get(String(v.kpiId)) ?? '?'}: ${v.value} (${DateTime.fromJSDate(v.periodEnd).toISODate()})`);
    }
  }
  return lines.join('\n');
}

// The .ics of one meeting (or its series) lives in calendar-files.ts.
export { icsForMeeting } from './calendar-files.js';

// ---- Private calendar feed --------------------------------------------------------------------

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** Creates (or replaces) the user's feed token; the clear token is returned once, only its hash is kept. */
export async function createFeedToken(actor: Actor): Promise<string> {
  await CalendarFeedModel.updateMany({ userId: actor._id, revoked: false }, { $set: { revoked: true } });
  const token = crypto.randomBytes(24).toString('base64url');
  const feed = await CalendarFeedModel.create({ userId: actor._id, tokenHash: hashToken(token) });
  await recordAudit({ actor, entity: 'calendarFeed', entityId: feed._id, action: 'create' });
  return token;
}

export async function revokeFeedTokens(actor: Actor): Promise<void> {
  const feeds = await CalendarFeedModel.find({ userId: actor._id, revoked: false }, { _id: 1 }).lean();
  await CalendarFeedModel.updateMany({ userId: actor._id, revoked: false }, { $set: { revoked: true } });
  for (const f of feeds) await recordAudit({ actor, entity: 'calendarFeed', entityId: f._id, action: 'revoke' });
}

export const hasActiveFeed = async (userId: Types.ObjectId) => (await CalendarFeedModel.countDocuments({ userId, revoked: false })) > 0;

/** The feed of a token's user (meetings they own or attend, a year back and two ahead), or null. */
export async function feedIcs(token: string, now = new Date()): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const feed = await CalendarFeedModel.findOne({ tokenHash: hashToken(token), revoked: false }).lean();
  if (!feed) return null;
  const user = await activeUserName(feed.userId);
  if (!user) return null;
  const from = DateTime.fromJSDate(now).minus({ years: 1 }).toJSDate();
  const to = DateTime.fromJSDate(now).plus({ years: 2 }).toJSDate();
  // The feed needs whole meetings (attendees, place, link): read from the collection.
  const meetings = await MeetingModel.find({
    ...(await meetingScopeFilter({ scope: 'mine', userId: user._id, includeCancelled: true })),
    start: { $gte: from, $lt: to },
  })
    .sort({ start: 1 })
    .limit(1000)
    .lean();
  const cal = newCalendar(`Passerelle — ${user.name}`);
  const seriesIds = [...new Set(meetings.filter((m) => m.seriesId).map((m) => String(m.seriesId)))].map((s) => new Types.ObjectId(s));
  const [series, occ] = await Promise.all([
    seriesIds.length ? MeetingSeriesModel.find({ _id: { $in: seriesIds } }).lean() : [],
    seriesIds.length
      ? MeetingModel.find({ seriesId: { $in: seriesIds }, archived: false })
          .sort({ start: 1 })
          .lean()
      : [],
  ]);
  for (const s of series)
    addSeries(
      cal,
      s,
      occ.filter((o) => String(o.seriesId) === String(s._id)),
      baseUrl(),
    );
  for (const m of meetings) if (!m.seriesId) addSingle(cal, m, baseUrl());
  return cal.toString();
}
