// One timeline per partner, newest first, merged from every feature's history. Each source is one
// bounded query; features add theirs with registerTimelineSource instead of editing this file.
import { agreementDirectory } from '../agreements/directory.js';
import type { Types } from 'mongoose';
import { AuditModel } from '../audit/model.js';
import { MeetingModel } from '../meetings/model.js';
import { TaskModel } from '../tasks/model.js';
import { InteractionModel } from './interactions.model.js';
import { StageChangeModel } from './model.js';

export interface TimelineEntry {
  at: Date;
  kind: 'interaction' | 'stage' | 'audit' | 'task' | 'agreement' | 'meeting' | 'email';
  /** An i18n key and its parameters: views translate. */
  label: string;
  params: Record<string, string>;
  text?: string;
  by?: string;
  href?: string;
}

export type TimelineSource = (partnerId: Types.ObjectId, limit: number) => Promise<TimelineEntry[]>;

const sources: TimelineSource[] = [
  async (partnerId, limit) =>
    (await InteractionModel.find({ partnerId }).sort({ date: -1 }).limit(limit).lean()).map((i) => ({
      at: i.date,
      kind: 'interaction',
      label: `partners:timeline.interaction.${i.kind}`,
      params: {},
      text: i.summary,
      by: i.byName,
    })),
  async (partnerId, limit) =>
    (await StageChangeModel.find({ partnerId }).sort({ at: -1 }).limit(limit).lean()).map((s) => ({
      at: s.at,
      kind: 'stage',
      label: s.from ? 'partners:timeline.stageMoved' : 'partners:timeline.created',
      params: { from: s.from ?? '', to: s.to },
      text: s.reason,
      by: s.byName,
    })),
  async (partnerId, limit) =>
    (
      await AuditModel.find({ entity: 'partner', entityId: partnerId, action: { $nin: ['create', 'stage'] } })
        .sort({ at: -1 })
        .limit(limit)
        .lean()
    ).map((a) => ({
      at: a.at,
      kind: 'audit',
      label: `partners:timeline.audit.${a.action}`,
      params: {},
      text: a.changes.length ? a.changes.map((c) => `${c.field ?? ''}: ${c.from ?? ''} → ${c.to ?? ''}`).join(' · ') : a.note,
      by: a.actorName,
    })),
  async (partnerId, limit) =>
    (await TaskModel.find({ partnerId }).sort({ createdAt: -1 }).limit(limit).lean()).map((t) => ({
      at: t.completedAt ?? t.createdAt,
      kind: 'task',
      label: t.completedAt ? 'partners:timeline.taskDone' : 'partners:timeline.taskAdded',
      params: {},
      text: t.title,
    })),
  async (partnerId, limit) =>
    (await agreementDirectory())
      .filter((a) => a.partnerIds.some((p) => String(p) === String(partnerId)))
      .sort((a, b) => b.statusChangedAt.getTime() - a.statusChangedAt.getTime())
      .slice(0, limit)
      .map((a) => ({
        at: a.statusChangedAt,
        kind: 'agreement',
        label: 'partners:timeline.agreement',
        params: { status: a.status },
        text: a.title,
      })),
  async (partnerId, limit) =>
    (
      await MeetingModel.find({ partnerId, start: { $lte: new Date() } }, { title: 1, start: 1, cancelled: 1 })
        .sort({ start: -1 })
        .limit(limit)
        .lean()
    ).map((m) => ({
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

export async function partnerTimeline(partnerId: Types.ObjectId, limit = 50): Promise<TimelineEntry[]> {
  const all = (await Promise.all(sources.map((s) => s(partnerId, limit)))).flat();
  return all.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
}
