// Which meetings a page lists (the scope filter, the calendar's range, the upcoming list) and the
// agenda a new meeting starts with.
import type { Types } from 'mongoose';
import { partnerNamesById } from '../partners/directory.js';
import { measurementsOf } from '../agreements/measurements-directory.js';
import { agreementsMatching } from '../agreements/directory.js';
import { agreementKpis } from '../agreements/lookups.js';
import { matcher, type Filter } from '../db/query.js';
import { openTasksOf } from '../tasks/service.js';
import { meetingsStartingBetween, type ListedMeeting } from './directory.js';
import { MeetingModel } from './model.js';

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
  /** The reader's time zone: the days are written as their calendar shows them. */
  zone: string;
}): Promise<string> {
  const inZone = (...names: string[]) => ({ formatParams: Object.fromEntries(names.map((n) => [n, { timeZone: opts.zone }])) });
  const taskQuery = opts.agreementId ? { agreementId: opts.agreementId } : { partnerId: opts.partnerId };
  const tasks = await openTasksOf(taskQuery);
  const lines: string[] = [];
  if (tasks.length) {
    lines.push(opts.t('meetings:agenda.openItems'));
    for (const task of tasks)
      lines.push(
        task.dueDate ? opts.t('meetings:agenda.taskLine', { title: task.title, due: task.dueDate, ...inZone('due') }) : `- ${task.title}`,
      );
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
        lines.push(
          opts.t('meetings:agenda.kpiLine', {
            name: names.get(String(v.kpiId)) ?? '?',
            value: v.value,
            when: v.periodEnd,
            ...inZone('when'),
          }),
        );
    }
  }
  return lines.join('\n');
}
