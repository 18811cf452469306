// Tasks from every source (action plans, meetings, progress checks): one small module.
import type { Types } from 'mongoose';
import { recordAudit } from '../audit/service.js';
import { forbidden, notFound } from '../http/errors.js';
import { agreementDirectory } from '../agreements/directory.js';
import { partnerNamesById } from '../partners/directory.js';
import { assertMayWritePartner } from '../partners/policy.js';
import { isManager } from '../users/roles.js';
import type { SessionUser } from '../users/service.js';
import { TaskModel, type TaskDoc } from './model.js';
import type { TaskStatus } from './constants.js';
import { TaskTemplateModel } from './templates.model.js';
import { meetingTitles } from '../meetings/occurrences.js';

const DAY = 86400_000;

export async function createTask(
  actor: SessionUser,
  input: { title: string; ownerId: Types.ObjectId; dueDate: Date | null; partnerId: Types.ObjectId | null },
) {
  if (input.partnerId) await assertCanEditPartner(actor, input.partnerId);
  const task = await TaskModel.create({ ...input, source: input.partnerId ? 'action_plan' : 'manual', createdBy: actor._id });
  await recordAudit({ actor, entity: 'task', entityId: task._id, action: 'create', note: input.title });
  return task._id;
}

const assertCanEditPartner = (actor: SessionUser, partnerId: Types.ObjectId) => assertMayWritePartner(actor, partnerId);

export async function setStatus(actor: SessionUser, id: Types.ObjectId, status: TaskStatus, now = new Date()) {
  const task = await TaskModel.findById(id, { ownerId: 1, createdBy: 1, status: 1 }).lean();
  if (!task) throw notFound();
  if (!isManager(actor.role) && String(task.ownerId) !== actor.id && String(task.createdBy) !== actor.id) throw forbidden();
  await TaskModel.updateOne({ _id: id }, { $set: { status, completedAt: status === 'done' ? now : null } });
  await recordAudit({
    actor,
    entity: 'task',
    entityId: id,
    action: 'status',
    changes: [{ field: 'status', from: task.status, to: status }],
  });
}

/** Open tasks of one user, overdue first (then by due date), then the recently finished. */
export async function myTasks(userId: Types.ObjectId, opts: { overdueOnly?: boolean; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  const open = await TaskModel.find({
    ownerId: userId,
    archived: false,
    status: { $in: ['open', 'in_progress'] },
    ...(opts.overdueOnly ? { dueDate: { $ne: null, $lt: now } } : {}),
  })
    .sort({ dueDate: 1, _id: 1 })
    .limit(500)
    .lean();
  const rank = (t: (typeof open)[number]) => (t.dueDate && t.dueDate < now ? 0 : t.dueDate ? 1 : 2);
  open.sort((a, b) => rank(a) - rank(b) || (a.dueDate?.getTime() ?? 0) - (b.dueDate?.getTime() ?? 0));
  const done = opts.overdueOnly ? [] : await TaskModel.find({ ownerId: userId, status: 'done' }).sort({ completedAt: -1 }).limit(10).lean();
  return { open, done, now };
}

export interface TaskContext {
  href: string;
  /** i18n key of what it is: a partner, an agreement, a meeting. */
  kind: 'partner' | 'agreement' | 'meeting';
  name: string;
}

/**
 * What each task is about, by task id: its partner, agreement and meeting, named and linked. Names
 * come from the partner and agreement directories (in memory) and one read of the meetings by id.
 */
export async function taskContexts(
  tasks: Pick<TaskDoc, '_id' | 'partnerId' | 'agreementId' | 'meetingId'>[],
): Promise<Map<string, TaskContext[]>> {
  const ids = (k: 'partnerId' | 'agreementId' | 'meetingId') => [
    ...new Set(
      tasks
        .map((t) => t[k])
        .filter(Boolean)
        .map(String),
    ),
  ];
  const [partnerIds, agreementIds, meetingIds] = [ids('partnerId'), ids('agreementId'), ids('meetingId')];
  const wanted = new Set(agreementIds);
  const [partners, agreements, meetings] = await Promise.all([
    partnerNamesById(partnerIds),
    agreementIds.length
      ? agreementDirectory().then((all) => new Map(all.filter((a) => wanted.has(String(a._id))).map((a) => [String(a._id), a.title])))
      : new Map<string, string>(),
    meetingIds.length ? meetingTitles(meetingIds) : new Map<string, string>(),
  ]);
  const contexts = new Map<string, TaskContext[]>();
  for (const t of tasks) {
    const list: TaskContext[] = [];
    const add = (kind: TaskContext['kind'], id: Types.ObjectId | null | undefined, names: Map<string, string>, path: string) => {
      const name = id ? names.get(String(id)) : undefined;
      if (name) list.push({ kind, name, href: `/${path}/${String(id)}` });
    };
    add('meeting', t.meetingId, meetings, 'meetings');
    add('agreement', t.agreementId, agreements, 'agreements');
    add('partner', t.partnerId, partners, 'partners');
    contexts.set(String(t._id), list);
  }
  return contexts;
}

/** Every task of a partner, archived ones too (the partner page's list and its timeline). */
export const allPartnerTasks = (partnerId: Types.ObjectId): Promise<TaskDoc[]> => TaskModel.find({ partnerId }).lean<TaskDoc[]>().exec();

/** The partner page's task list: the open and done tasks not archived, by status then due date (at most 200). */
export function partnerTaskList(all: TaskDoc[]): TaskDoc[] {
  const due = (t: TaskDoc) => (t.dueDate ? t.dueDate.getTime() : -Infinity); // MongoDB sorts null first
  return all
    .filter((t) => !t.archived)
    .sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : due(a) - due(b)))
    .slice(0, 200);
}

export async function applyTemplate(actor: SessionUser, partnerId: Types.ObjectId, templateId: Types.ObjectId, now = new Date()) {
  await assertCanEditPartner(actor, partnerId);
  const template = await TaskTemplateModel.findById(templateId).lean();
  if (!template) throw notFound();
  const tasks = template.items.map((i) => ({
    title: i.title,
    ownerId: actor._id,
    dueDate: new Date(now.getTime() + i.offsetDays * DAY),
    partnerId,
    source: 'action_plan',
    createdBy: actor._id,
  }));
  await TaskModel.insertMany(tasks);
  await recordAudit({ actor, entity: 'partner', entityId: partnerId, action: 'template', note: template.name });
  return tasks.length;
}

/** "offset | title" lines, e.g. "7 | Define shared goals". */
export function parseTemplateLines(
  text: string,
): { ok: true; items: { offsetDays: number; title: string }[] } | { ok: false; line: number } {
  const items: { offsetDays: number; title: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const m = /^(\d{1,4})\s*\|\s*(.{1,300})$/.exec(line);
    if (!m) return { ok: false, line: i + 1 };
    items.push({ offsetDays: Number(m[1]), title: m[2]!.trim() });
  }
  return items.length ? { ok: true, items } : { ok: false, line: 1 };
}

// What other features ask of tasks: each is the one query its page or job made before. -------------

const overdue = (now: Date): Record<string, unknown> => ({
  status: { $in: ['open', 'in_progress'] },
  archived: false,
  dueDate: { $ne: null, $lt: now },
});

/** A user's open tasks due before `before`, soonest first (at most 50): the home page. */
export const openTasksDueBefore = (ownerId: Types.ObjectId, before: Date) =>
  TaskModel.find({ ownerId, status: { $in: ['open', 'in_progress'] }, archived: false, dueDate: { $ne: null, $lt: before } })
    .sort({ dueDate: 1 })
    .limit(50)
    .lean();

/** Open tasks of an agreement (else of a partner), soonest first (at most 50): a new meeting's agenda. */
export const openTasksOf = (of: { agreementId: Types.ObjectId } | { partnerId: Types.ObjectId }) =>
  TaskModel.find({ ...of, status: { $in: ['open', 'in_progress'] }, archived: false })
    .sort({ dueDate: 1 })
    .limit(50)
    .lean();

/** Overdue open tasks, narrowed to an owner and to partners when given (the dashboard, in one command). */
export function overdueTaskRows<Row>(
  now: Date,
  scope: { ownerId: Types.ObjectId | null; partnerIds: Types.ObjectId[] | null },
  batchSize: number,
) {
  const q = overdue(now);
  if (scope.ownerId) q.ownerId = scope.ownerId;
  if (scope.partnerIds) q.partnerId = { $in: scope.partnerIds };
  return TaskModel.find(q, { title: 1, dueDate: 1, status: 1, partnerId: 1 })
    .sort({ dueDate: 1, _id: 1 })
    .batchSize(batchSize)
    .lean<Row[]>();
}

/** Overdue open tasks with their owner (at most 2,000): the overdue reminders. */
export const overdueTasks = (now: Date) => TaskModel.find(overdue(now), { title: 1, ownerId: 1, dueDate: 1 }).limit(2000).lean();

/** The longest overdue open tasks (at most `limit`): the weekly digest. */
export const oldestOverdueTasks = (now: Date, limit: number) =>
  TaskModel.find(overdue(now), { title: 1, dueDate: 1 }).sort({ dueDate: 1 }).limit(limit).lean();

/** A partner's latest tasks (the timeline). */
export const latestTasksOf = (partnerId: Types.ObjectId, limit: number) =>
  TaskModel.find({ partnerId }).sort({ createdAt: -1 }).limit(limit).lean();

/** A meeting's action items, oldest first. */
export const tasksOfMeeting = (meetingId: Types.ObjectId) => TaskModel.find({ meetingId, archived: false }).sort({ createdAt: 1 }).lean();

/** The tasks a progress check created, oldest first. */
export const tasksOfCheck = (progressCheckId: Types.ObjectId) =>
  TaskModel.find({ progressCheckId, archived: false }).sort({ createdAt: 1 }).lean();

type NewTask = Pick<TaskDoc, 'title' | 'ownerId' | 'dueDate' | 'createdBy'> &
  Partial<Pick<TaskDoc, 'partnerId' | 'agreementId' | 'meetingId' | 'progressCheckId'>>;

/** An action item written on a meeting (its audit entry is the meeting's caller's). */
export const createMeetingTask = (task: NewTask) => TaskModel.create({ ...task, source: 'meeting' });

/** The next steps of a progress check, in one insert. */
export async function createCheckTasks(tasks: NewTask[]): Promise<void> {
  await TaskModel.insertMany(tasks.map((t) => ({ ...t, source: 'progress_check' })));
}

/** After a series split, moves action items from replaced meetings to their replacements (`targets`: old id → new id). */
export async function moveMeetingTasks(replacedIds: Types.ObjectId[], targets: ReadonlyMap<string, Types.ObjectId>): Promise<void> {
  const tasks = replacedIds.length ? await TaskModel.find({ meetingId: { $in: replacedIds } }, { meetingId: 1 }).lean() : [];
  const ops = [];
  for (const [from, to] of targets) {
    const moved = tasks.filter((t) => String(t.meetingId) === from).map((t) => t._id);
    if (moved.length) ops.push({ updateMany: { filter: { _id: { $in: moved } }, update: { $set: { meetingId: to } } } });
  }
  if (ops.length) await TaskModel.bulkWrite(ops);
}

/** Deletes a partner's tasks (the partner is being deleted). */
export async function removeTasksOfPartner(partnerId: Types.ObjectId): Promise<void> {
  await TaskModel.deleteMany({ partnerId });
}

/** Whether a task by this id exists: the route's 404 before its form. */
export const taskExists = (id: Types.ObjectId) => TaskModel.exists({ _id: id });
