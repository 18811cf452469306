// Action-plan templates: the admin page's list, create and delete, and the names the partner page offers.
import type { Types } from 'mongoose';
import { recordAudit, type Actor } from '../audit/service.js';
import { perChangeCache } from '../db/per-change-cache.js';
import { TaskTemplateModel } from './templates.model.js';

export const listTemplates = () => TaskTemplateModel.find().sort({ name: 1 }).lean();

const readNames = () => TaskTemplateModel.find({}, { name: 1 }).sort({ name: 1 }).lean().exec();
const names = perChangeCache<Awaited<ReturnType<typeof readNames>>>({ max: 1, maxAgeMs: 600_000 });
/** The templates' names, for the partner page's "apply a plan": shared until a template changes (read it, do not change it). */
export const templateNames = () => names.get('', readNames);

export const templateExists = (id: Types.ObjectId) => TaskTemplateModel.exists({ _id: id });

export async function createTemplate(actor: Actor, name: string, items: { title: string; offsetDays: number }[]): Promise<void> {
  const t = await TaskTemplateModel.create({ name, items });
  await recordAudit({ actor, entity: 'task-template', entityId: t._id, action: 'create', note: name });
}

export async function deleteTemplate(actor: Actor, id: Types.ObjectId): Promise<void> {
  await TaskTemplateModel.deleteOne({ _id: id });
  await recordAudit({ actor, entity: 'task-template', entityId: id, action: 'delete' });
}
