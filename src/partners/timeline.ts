// One timeline per partner, newest first, merged from every feature's history. Each source is one
// bounded query; features add theirs with registerTimelineSource instead of editing this file.
import { agreementsOfPartner } from '../agreements/directory.js';
import type { Types } from 'mongoose';
import { byStart, meetingsOfPartner } from '../meetings/directory.js';
import type { TaskDoc } from '../tasks/model.js';
import { InteractionModel } from './interactions.model.js';
import { stageChangesOf } from './stage-directory.js';
import { describeAudit, ownerNamesOf, type TimelineLine } from './timeline-audit.js';
import { auditExcept } from '../audit/service.js';
import { latestTasksOf } from '../tasks/service.js';

export interface TimelineEntry {
  at: Date;
  /** A calendar day (YYYY-MM-DD) when the entry has no time of day, as an interaction. */
  day?: string;
  kind: 'interaction' | 'stage' | 'audit' | 'task' | 'agreement' | 'meeting' | 'email';
  /** An i18n key and its parameters: views translate (`keys`: parameters that are i18n keys, translated first). */
  label: string;
  params: Record<string, string>;
  keys?: Record<string, string>;
  /** What changed, one translated line each. */
  details?: TimelineLine[];
  text?: string;
  by?: string;
  href?: string;
}

/** What the caller has already read for its own page, so that sources need not read it again. */
export interface TimelineKnown {
  /** Every task of the partner, archived ones too. */
  tasks?: TaskDoc[];
}

export type TimelineSource = (partnerId: Types.ObjectId, limit: number, known: TimelineKnown) => Promise<TimelineEntry[]>;

const sources: TimelineSource[] = [
  async (partnerId, limit) =>
    (await InteractionModel.find({ partnerId }).sort({ date: -1 }).limit(limit).lean()).map((i) => ({
      at: i.date,
      // Older interactions have no day: theirs is the UTC day of the noon the form stored.
      day: i.day ?? i.date.toISOString().slice(0, 10),
      kind: 'interaction',
      label: `partners:timeline.interaction.${i.kind}`,
      params: {},
      text: i.summary,
      by: i.byName,
    })),
  async (partnerId, limit) =>
    [...(await stageChangesOf(partnerId))]
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, limit)
      .map((s): TimelineEntry => ({
        at: s.at,
        kind: 'stage',
        label: s.from ? 'partners:timeline.stageMoved' : 'partners:timeline.created',
        params: {},
        keys: s.from ? { from: `partners:stages.${s.from}`, to: `partners:stages.${s.to}` } : {},
        text: s.reason,
        by: s.byName,
      })),
  async (partnerId, limit) => {
    const entries = await auditExcept('partner', partnerId, ['create', 'stage'], limit);
    const names = await ownerNamesOf(entries);
    return entries.map((a) => ({ at: a.at, kind: 'audit' as const, ...describeAudit(a, names), by: a.actorName }));
  },
  async (partnerId, limit, known) =>
    (known.tasks
      ? [...known.tasks].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit)
      : await latestTasksOf(partnerId, limit)
    ).map((t) => ({
      at: t.completedAt ?? t.createdAt,
      kind: 'task',
      label: t.completedAt ? 'partners:timeline.taskDone' : 'partners:timeline.taskAdded',
      params: {},
      text: t.title,
    })),
  async (partnerId, limit) =>
    [...(await agreementsOfPartner(partnerId))]
      .sort((a, b) => b.statusChangedAt.getTime() - a.statusChangedAt.getTime())
      .slice(0, limit)
      .map((a) => ({
        at: a.statusChangedAt,
        kind: 'agreement',
        label: 'partners:timeline.agreement',
        params: {},
        keys: { status: `partners:agreementStatus.${a.status}` },
        text: a.title,
      })),
  async (partnerId, limit) =>
    (await meetingsOfPartner(partnerId))
      .filter((m) => !m.archived && m.start <= new Date())
      .sort((a, b) => byStart(b, a))
      .slice(0, limit)
      .map((m) => ({
        at: m.start,
        kind: 'meeting',
        label: m.cancelled ? 'partners:timeline.meetingCancelled' : 'partners:timeline.meeting',
        params: {},
        text: m.title,
        href: `/meetings/${String(m._id)}`,
      })),
];

export function registerTimelineSource(source: TimelineSource): void {
  sources.push(source);
}

export async function partnerTimeline(partnerId: Types.ObjectId, limit = 50, known: TimelineKnown = {}): Promise<TimelineEntry[]> {
  const all = (await Promise.all(sources.map((s) => s(partnerId, limit, known)))).flat();
  return all.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
}
