// Action-plan templates: reusable task lists with due-date offsets, applied to a partner in one click.
import { Schema, model, type Types } from 'mongoose';
import { recordAudit, type Actor } from '../audit/service.js';
import { claimOnce } from '../db/claim.js';
import { forbidden, RuleError } from '../http/errors.js';
import { PartnerModel } from '../partners/model.js';
import type { SessionUser } from '../users/service.js';
import { canEditPartner } from '../partners/service.js';
import { createTasks } from './service.js';

const templateSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    items: {
      type: [
        new Schema(
          { title: { type: String, required: true, maxlength: 300 }, offsetDays: { type: Number, required: true, min: 0 } },
          { _id: false },
        ),
      ],
      default: [],
    },
    archived: { type: Boolean, default: false },
  },
  { timestamps: true },
);
templateSchema.index({ archived: 1, name: 1 });
export const ActionPlanTemplateModel = model('ActionPlanTemplate', templateSchema);

/** The standard's D3 exploration steps, offered until an administrator writes others. */
export const d3Steps = [
  { offsetDays: 7, title: "Confirmer l'intérêt du partenaire / Confirm the partner's interest" },
  { offsetDays: 14, title: 'Définir les buts et objectifs communs / Define shared goals and objectives' },
  { offsetDays: 21, title: 'Repérer les ressources et services à partager / Identify resources and services to share' },
  { offsetDays: 28, title: 'Préciser les horaires de travail / Settle work schedules' },
  { offsetDays: 28, title: 'Préciser les mécanismes financiers / Settle financial mechanisms' },
  { offsetDays: 35, title: 'Convenir de la reddition de comptes / Agree on reporting' },
  { offsetDays: 35, title: 'Choisir les indicateurs de réussite / Choose success indicators' },
  { offsetDays: 42, title: "Rédiger le plan d'action / Write the action plan" },
];

export async function ensureDefaultTemplate(): Promise<void> {
  if (await ActionPlanTemplateModel.exists({})) return;
  if (!(await claimOnce('action-plan-templates:default'))) return;
  await ActionPlanTemplateModel.create({ name: 'D3 — Exploration', items: d3Steps });
}

export async function listTemplates(includeArchived = false) {
  await ensureDefaultTemplate();
  return ActionPlanTemplateModel.find(includeArchived ? {} : { archived: false })
    .sort({ archived: 1, name: 1 })
    .limit(200)
    .lean();
}

export async function saveTemplate(
  actor: Actor,
  id: Types.ObjectId | null,
  input: { name: string; items: { title: string; offsetDays: number }[] },
) {
  if (id) {
    const t = await ActionPlanTemplateModel.findById(id);
    if (!t) throw new RuleError('errors:notFound');
    t.set(input);
    await t.save();
    await recordAudit({ actor, entity: 'action-plan-template', entityId: id, action: 'update', note: input.name });
    return id;
  }
  const t = await ActionPlanTemplateModel.create(input);
  await recordAudit({ actor, entity: 'action-plan-template', entityId: t._id, action: 'create', note: input.name });
  return t._id;
}

export async function setTemplateArchived(actor: Actor, id: Types.ObjectId, archived: boolean) {
  await ActionPlanTemplateModel.updateOne({ _id: id }, { $set: { archived } });
  await recordAudit({ actor, entity: 'action-plan-template', entityId: id, action: archived ? 'archive' : 'restore' });
}

/** Adds the template's tasks to the partner, owned by the partner's owner, due `offsetDays` from now. */
export async function applyTemplate(actor: SessionUser, templateId: Types.ObjectId, partnerId: Types.ObjectId, now = new Date()) {
  const [template, partner] = await Promise.all([
    ActionPlanTemplateModel.findOne({ _id: templateId, archived: false }).lean(),
    PartnerModel.findById(partnerId, { ownerId: 1 }).lean(),
  ]);
  if (!template || !partner) throw new RuleError('errors:notFound');
  if (!canEditPartner(actor, partner)) throw forbidden();
  const ids = await createTasks(
    actor,
    template.items.map((i) => ({
      title: i.title,
      ownerId: partner.ownerId,
      dueDate: new Date(now.getTime() + i.offsetDays * 86_400_000),
      partnerId,
      source: 'action_plan' as const,
    })),
  );
  return ids.length;
}
