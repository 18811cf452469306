// The message kinds: each finds, for a moment `now`, the messages that are due. The tick enqueues
// what every 'tick' kind returns; the weekly job does the same for 'weekly' kinds. A new kind (say,
// meeting reminders) is one more registerKind call. Follow-up requests and overdue checks are in
// followup-kinds.ts, meeting messages in meetings.ts.
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { config } from '../config.js';
import { formatDate, numberFormat, intlLocale } from '../util/formats.js';
import type { Locale } from '../users/roles.js';
import { enqueueMessages, type MessageInput, type Recipient } from './enqueue.js';
import { activeManagers, activeRecipients } from '../users/people.js';
import { quietPartners } from '../partners/lookups.js';
import { activeAgreementsEnding, agreementsAtRisk, agreementsEndingBetween, agreementsWithInstallmentsDue } from '../agreements/lookups.js';
import { oldestOverdueTasks, overdueTasks } from '../tasks/service.js';
import { escalatedBlockers } from '../blockers/service.js';

export type KindSchedule = 'tick' | 'weekly';

export interface MessageKind {
  kind: string;
  schedule: KindSchedule;
  findDue(now: Date): Promise<MessageInput[]>;
}

const registry = new Map<string, MessageKind>();
export const registerKind = (k: MessageKind): void => void registry.set(k.kind, k);
export const registeredKinds = (): MessageKind[] => [...registry.values()];

/** Enqueues everything due now for the kinds of one schedule; returns how many were created. */
export async function enqueueDue(schedule: KindSchedule, now = new Date()): Promise<number> {
  let created = 0;
  for (const k of registry.values()) {
    if (k.schedule !== schedule) continue;
    const results = await enqueueMessages(await k.findDue(now), now);
    created += results.filter((r) => r === 'created').length;
  }
  return created;
}

// Helpers ---------------------------------------------------------------------------------------

export const DAY = 86400_000;
export const day = (d: Date): string => d.toISOString().slice(0, 10);
export const dateIn = (locale: Locale, d: Date | null | undefined): string =>
  d ? formatDate(intlLocale(locale), { dateStyle: 'long', timeZone: config.defaultTimezone }, d) : '';

interface UserLite {
  _id: Types.ObjectId;
  name: string;
  email: string;
  locale: Locale;
  role: string;
}

export async function usersById(ids: (Types.ObjectId | null | undefined)[]): Promise<Map<string, UserLite>> {
  const unique = [...new Set(ids.filter(Boolean).map(String))].map((s) => new Types.ObjectId(s));
  if (!unique.length) return new Map();
  const rows = await activeRecipients(unique);
  return new Map(rows.map((u) => [String(u._id), u as UserLite]));
}

export const toUser = (u: UserLite): Recipient => ({ email: u.email, name: u.name, locale: u.locale, userId: u._id });
export const url = (path: string): string => `${config.baseUrl}${path}`;

// Overdue tasks → their owner, once per due date. --------------------------------------------------
registerKind({
  kind: 'task_overdue',
  schedule: 'tick',
  async findDue(now) {
    const tasks = await overdueTasks(now);
    const users = await usersById(tasks.map((t) => t.ownerId));
    return tasks.flatMap((t) => {
      const u = users.get(String(t.ownerId));
      if (!u) return [];
      return [
        {
          kind: 'task_overdue',
          subjectId: String(t._id),
          occurrence: day(t.dueDate!),
          to: toUser(u),
          data: { title: t.title, due: dateIn(u.locale, t.dueDate), link: url('/tasks') },
        },
      ];
    });
  },
});

// Agreement renewal notices → owner and team, once, the notice period before the end. -------------
registerKind({
  kind: 'agreement_renewal',
  schedule: 'tick',
  async findDue(now) {
    const horizon = new Date(now.getTime() + 366 * DAY);
    const rows = await activeAgreementsEnding(now, horizon);
    const due = rows.filter((a) => a.endDate!.getTime() - (a.renewalNoticeDays ?? 60) * DAY <= now.getTime());
    const users = await usersById(due.flatMap((a) => [a.ownerId, ...a.teamIds]));
    return due.flatMap((a) =>
      [...new Set([a.ownerId, ...a.teamIds].map(String))].flatMap((id) => {
        const u = users.get(id);
        if (!u) return [];
        return [
          {
            kind: 'agreement_renewal',
            subjectId: String(a._id),
            occurrence: day(a.endDate!),
            to: toUser(u),
            expiresAt: a.endDate,
            data: { title: a.title, end: dateIn(u.locale, a.endDate), link: url(`/agreements/${String(a._id)}`) },
          },
        ];
      }),
    );
  },
});

// Funding installments due within a week (or overdue and unpaid) → owner, once per installment. ---
registerKind({
  kind: 'installment_due',
  schedule: 'tick',
  async findDue(now) {
    const rows = await agreementsWithInstallmentsDue(new Date(now.getTime() + 7 * DAY));
    const users = await usersById(rows.map((a) => a.ownerId));
    return rows.flatMap((a) => {
      const u = users.get(String(a.ownerId));
      if (!u) return [];
      return (a.funding?.installments ?? [])
        .filter((i) => !i.paid && i.dueDate && i.dueDate.getTime() <= now.getTime() + 7 * DAY)
        .map((i) => ({
          kind: 'installment_due',
          subjectId: String(a._id),
          occurrence: String(i._id),
          to: toUser(u),
          data: {
            title: a.title,
            amount: numberFormat(intlLocale(u.locale), {
              style: 'currency',
              currency: a.funding?.currency || 'CAD',
            }).format(i.amount ?? 0),
            due: dateIn(u.locale, i.dueDate),
            link: url(`/agreements/${String(a._id)}`),
          },
        }));
    });
  },
});

// Quiet partnerships → owner, once per silence (keyed by the last activity). ----------------------
registerKind({
  kind: 'quiet_partnership',
  schedule: 'tick',
  async findDue(now) {
    const days = config.reminders.quietPartnershipDays;
    const rows = await quietPartners(new Date(now.getTime() - days * DAY), 2000);
    const users = await usersById(rows.map((p) => p.ownerId));
    return rows.flatMap((p) => {
      const u = users.get(String(p.ownerId));
      if (!u) return [];
      return [
        {
          kind: 'quiet_partnership',
          subjectId: String(p._id),
          occurrence: p.lastActivityAt.toISOString(),
          to: toUser(u),
          data: { partner: p.name, days, since: dateIn(u.locale, p.lastActivityAt), link: url(`/partners/${String(p._id)}`) },
        },
      ];
    });
  },
});

// The weekly digest → managers and administrators, once per ISO week. -----------------------------
/** The ISO week of the instant in the organization's zone (`2026-W50`): the digest's occurrence. */
const weekOf = (d: Date) => DateTime.fromJSDate(d, { zone: config.defaultTimezone }).startOf('week');
export const isoWeek = (d: Date): string => weekOf(d).toFormat("kkkk-'W'WW");

registerKind({
  kind: 'weekly_digest',
  schedule: 'weekly',
  async findDue(now) {
    const managers = await activeManagers();
    if (!managers.length) return [];
    const [atRisk, overdueTasks, ending, quiet, blockers] = await Promise.all([
      agreementsAtRisk(50),
      oldestOverdueTasks(now, 50),
      agreementsEndingBetween(now, new Date(now.getTime() + 90 * DAY), 50),
      quietPartners(new Date(now.getTime() - config.reminders.quietPartnershipDays * DAY), 50),
      escalatedBlockers(now, 50),
    ]);
    const week = isoWeek(now);
    return managers.map((m) => {
      const locale = m.locale;
      return {
        kind: 'weekly_digest',
        subjectId: 'portfolio',
        occurrence: week,
        to: toUser(m),
        data: {
          week: dateIn(locale, weekOf(now).toJSDate()),
          kpis: atRisk.flatMap((a) =>
            a.kpis
              .filter((k) => k.status === 'at_risk' || k.status === 'off_track')
              .map((k) => ({ agreement: a.title, kpi: k.name, status: k.status })),
          ),
          tasks: overdueTasks.map((t) => ({ title: t.title, due: dateIn(locale, t.dueDate) })),
          ending: ending.map((a) => ({ title: a.title, end: dateIn(locale, a.endDate) })),
          quiet: quiet.map((p) => ({ name: p.name, since: dateIn(locale, p.lastActivityAt) })),
          blockers: blockers.map((b) => ({ title: b.title, what: b.what, days: b.age })),
          link: url('/'),
        },
      };
    });
  },
});
