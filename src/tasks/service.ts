// Tasks: one small module every feature adds to (action plans, meetings, progress checks).
import type { Types } from 'mongoose';
import { recordAudit, type Actor } from '../audit/service.js';
import { forbidden, RuleError } from '../http/errors.js';
import { isManager } from '../users/roles.js';
import type { SessionUser } from '../users/service.js';
import { PartnerModel } from '../partners/model.js';
import { TaskModel, taskSources, type TaskStatus } from './model.js';

export interface NewTask {
  title: string;
  ownerId: Types.ObjectId;
  dueDate: Date | null;
  notes?: string;
  partnerId?: Types.ObjectId | null;
  agreementId?: Types.ObjectId | null;
  meetingId?: Types.ObjectId | null;
  source?: (typeof taskSources)[number];
}

export async function createTasks(actor: Actor, tasks: NewTask[]): Promise<Types.ObjectId[]> {
  if (!tasks.length) return [];
  const rows = await TaskModel.insertMany(tasks.map((t) => ({ ...t, source: t.source ?? 'manual', createdBy: actor._id })));
  for (const row of rows) {
    await recordAudit({ actor, entity: 'task', entityId: row._id, action: 'create', note: row.title });
  }
  if (tasks[0]?.partnerId) await PartnerModel.updateOne({ _id: tasks[0].partnerId }, { $set: { lastActivityAt: new Date() } });
  return rows.map((r) => r._id);
}

/** The task's owner, whoever may edit its partner, managers and administrators. */
async function canEditTask(user: SessionUser, task: { ownerId: Types.ObjectId; partnerId?: Types.ObjectId | null }) {
  if (isManager(user.role) || String(task.ownerId) === user.id) return true;
  if (!task.partnerId) return false;
  const partner = await PartnerModel.findById(task.partnerId, { ownerId: 1 }).lean();
  return !!partner && String(partner.ownerId) === user.id;
}

export async function setTaskStatus(actor: SessionUser, id: Types.ObjectId, status: TaskStatus, now = new Date()) {
  const task = await TaskModel.findById(id);
  if (!task) throw new RuleError('errors:notFound');
  if (!(await canEditTask(actor, task))) throw forbidden();
  if (task.status === status) return task;
  const from = task.status;
  task.status = status;
  task.completedAt = status === 'done' ? now : null;
  await task.save();
  await recordAudit({ actor, entity: 'task', entityId: id, action: 'update', changes: [{ field: 'status', from, to: status }] });
  return task;
}

const openStatuses: TaskStatus[] = ['open', 'in_progress'];

/** A user's open tasks, overdue ones first (oldest due first), then the rest by due date. */
export async function myTasks(userId: Types.ObjectId, now = new Date(), limit = 200) {
  const base = { ownerId: userId, status: { $in: openStatuses }, archived: false };
  const [overdue, upcoming, undated, done] = await Promise.all([
    TaskModel.find({ ...base, dueDate: { $lt: now } })
      .sort({ dueDate: 1 })
      .limit(limit)
      .lean(),
    TaskModel.find({ ...base, dueDate: { $gte: now } })
      .sort({ dueDate: 1 })
      .limit(limit)
      .lean(),
    TaskModel.find({ ...base, dueDate: null })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean(),
    TaskModel.find({ ownerId: userId, status: 'done', archived: false }).sort({ completedAt: -1 }).limit(20).lean(),
  ]);
  const partnerIds = [
    ...new Set(
      [...overdue, ...upcoming, ...undated, ...done]
        .map((t) => t.partnerId)
        .filter(Boolean)
        .map(String),
    ),
  ];
  const partners = partnerIds.length ? await PartnerModel.find({ _id: { $in: partnerIds } }, { name: 1 }).lean() : [];
  const partnerNames = Object.fromEntries(partners.map((p) => [String(p._id), p.name]));
  return { overdue, upcoming: [...upcoming, ...undated], done, partnerNames };
}

export async function tasksForPartner(partnerId: Types.ObjectId, limit = 100) {
  return TaskModel.find({ partnerId, archived: false }).sort({ dueDate: 1, createdAt: 1 }).limit(limit).lean();
}
