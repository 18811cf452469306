import { Router, type Request, type Response } from 'express';
import { Types } from 'mongoose';
import { flash } from '../http/flash.js';
import { forbidden } from '../http/errors.js';
import { requireRole, safeReturnTo } from '../http/guards.js';
import { orNotFound, parseId } from '../http/ids.js';
import { formValues, parseInput } from '../http/validate.js';
import { PartnerModel } from '../partners/model.js';
import { canEditPartner } from '../partners/service.js';
import { myTasks, createTasks, setTaskStatus } from './service.js';
import { taskSchema, taskStatusSchema, templateSchema } from './schemas.js';
import { ActionPlanTemplateModel, applyTemplate, listTemplates, saveTemplate, setTemplateArchived } from './templates.js';

export const tasksRouter = Router();
const adminOnly = requireRole('admin');

tasksRouter.get('/tasks', async (req, res) => {
  const now = new Date();
  const tasks = await myTasks(req.user!._id, now);
  res.render('tasks/index', { title: req.t('tasks:mine.title'), ...tasks, now });
});

tasksRouter.post('/tasks/:id/status', async (req, res) => {
  const values = formValues(req.body);
  const parsed = parseInput(taskStatusSchema, values);
  const back = safeReturnTo(values.back || '/tasks');
  if (!parsed.ok) {
    flash(req, 'error', 'validation:choice');
    return res.redirect(back);
  }
  await setTaskStatus(req.user!, parseId(req.params.id), parsed.data.status);
  flash(req, 'success', 'tasks:saved');
  res.redirect(back);
});

tasksRouter.post('/partners/:id/tasks', async (req, res) => {
  const id = parseId(req.params.id);
  const partner = orNotFound(await PartnerModel.findById(id, { ownerId: 1 }).lean());
  if (!canEditPartner(req.user!, partner)) throw forbidden();
  const parsed = parseInput(taskSchema, formValues(req.body));
  if (!parsed.ok) {
    flash(req, 'error', Object.values(parsed.errors)[0]!);
    return res.redirect(`/partners/${String(id)}#action-plan`);
  }
  const d = parsed.data;
  await createTasks(req.user!, [
    {
      title: d.title,
      ownerId: new Types.ObjectId(d.ownerId),
      dueDate: d.dueDate ? new Date(`${d.dueDate}T12:00:00Z`) : null,
      partnerId: id,
      source: 'action_plan',
    },
  ]);
  flash(req, 'success', 'tasks:added');
  res.redirect(`/partners/${String(id)}#action-plan`);
});

tasksRouter.post('/partners/:id/action-plan', async (req, res) => {
  const id = parseId(req.params.id);
  const n = await applyTemplate(req.user!, parseId(formValues(req.body).templateId), id);
  flash(req, 'success', 'tasks:templates.applied', { count: n });
  res.redirect(`/partners/${String(id)}#action-plan`);
});

// Administrators edit the templates.
function renderTemplateForm(
  req: Request,
  res: Response,
  values: Record<string, string>,
  templateId: string | null,
  errors = {},
  status = 200,
) {
  res.status(status).render('tasks/template-form', {
    title: req.t(templateId ? 'tasks:templates.editTitle' : 'tasks:templates.newTitle'),
    values,
    errors,
    templateId,
  });
}

const itemsText = (items: { offsetDays: number; title: string }[]) => items.map((i) => `${i.offsetDays} | ${i.title}`).join('\n');

tasksRouter.get('/admin/action-plans', adminOnly, async (req, res) => {
  const templates = await listTemplates(true);
  res.render('tasks/templates', { title: req.t('tasks:templates.title'), templates });
});

tasksRouter.get('/admin/action-plans/new', adminOnly, (req, res) => {
  renderTemplateForm(req, res, { name: '', items: '' }, null);
});

tasksRouter.get('/admin/action-plans/:id', adminOnly, async (req, res) => {
  const t = orNotFound(await ActionPlanTemplateModel.findById(parseId(req.params.id)).lean());
  renderTemplateForm(req, res, { name: t.name, items: itemsText(t.items) }, String(t._id));
});

async function postTemplate(req: Request, res: Response, id: Types.ObjectId | null) {
  const values = formValues(req.body);
  const parsed = parseInput(templateSchema, values);
  if (!parsed.ok) return renderTemplateForm(req, res, values, id ? String(id) : null, parsed.errors, 422);
  await saveTemplate(req.user!, id, parsed.data);
  flash(req, 'success', 'tasks:templates.saved');
  res.redirect('/admin/action-plans');
}

tasksRouter.post('/admin/action-plans', adminOnly, (req, res) => postTemplate(req, res, null));
tasksRouter.post('/admin/action-plans/:id', adminOnly, (req, res) => postTemplate(req, res, parseId(req.params.id)));
tasksRouter.post('/admin/action-plans/:id/archive', adminOnly, async (req, res) => {
  await setTemplateArchived(req.user!, parseId(req.params.id), formValues(req.body).archived !== '0');
  res.redirect('/admin/action-plans');
});
