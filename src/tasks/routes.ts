import { Router } from 'express';
import { z } from 'zod';
import { flash } from '../http/flash.js';
import { requireRole } from '../http/guards.js';
import { existing, parseId } from '../http/ids.js';
import { formValues, optionalCalendarDate, parseInput } from '../http/validate.js';
import { Types } from 'mongoose';
import { d3Steps, taskStatuses } from './constants.js';
import { applyTemplate, createTask, myTasks, parseTemplateLines, setStatus, taskContexts, taskExists } from './service.js';
import { createTemplate, deleteTemplate, listTemplates, templateExists } from './templates.js';
import { safeReturnTo } from '../http/guards.js';
import { formReturnTo, refusedTo } from '../http/refusal.js';

// A refused action returns to the list the form was on, or to the templates page.
const toList = refusedTo(formReturnTo('/tasks'));
const toTemplates = refusedTo('/admin/task-templates');

export const tasksRouter = Router();

const taskSchema = z.object({
  title: z.string().trim().min(1, 'validation:required').max(300, 'validation:tooLong'),
  ownerId: z.string().regex(/^[a-f0-9]{24}$/i, 'validation:choice'),
  dueDate: optionalCalendarDate.transform((v) => (v ? new Date(`${v}T12:00:00Z`) : null)),
  partnerId: z
    .string()
    .refine((v) => v === '' || /^[a-f0-9]{24}$/i.test(v), 'validation:choice')
    .default(''),
});

tasksRouter.get('/tasks', async (req, res) => {
  const overdueOnly = req.query.overdue === '1';
  const { open, done, now } = await myTasks(req.user!._id, { overdueOnly });
  res.render('tasks/index', {
    title: req.t('tasks:title'),
    open,
    done,
    contexts: await taskContexts([...open, ...done]),
    now,
    overdueOnly,
    statuses: taskStatuses,
  });
});

tasksRouter.post('/tasks', toList, async (req, res) => {
  const values = formValues(req.body);
  const back = safeReturnTo(values.returnTo ?? '/tasks');
  const parsed = parseInput(taskSchema, { ...values, ownerId: values.ownerId || req.user!.id });
  if (!parsed.ok) {
    flash(req, 'error', Object.values(parsed.errors)[0]!);
    return res.redirect(back);
  }
  const d = parsed.data;
  await createTask(req.user!, {
    title: d.title,
    ownerId: new Types.ObjectId(d.ownerId),
    dueDate: d.dueDate,
    partnerId: d.partnerId ? new Types.ObjectId(d.partnerId) : null,
  });
  flash(req, 'success', 'tasks:added');
  res.redirect(back);
});

tasksRouter.post('/tasks/:id/status', toList, existing(taskExists), async (req, res) => {
  const id = parseId(req.params.id);
  const values = formValues(req.body);
  const status = taskStatuses.find((s) => s === values.status);
  if (!status) {
    flash(req, 'error', 'validation:choice');
    return res.redirect('/tasks');
  }
  await setStatus(req.user!, id, status);
  res.redirect(safeReturnTo(values.returnTo ?? '/tasks'));
});

tasksRouter.post('/partners/:id/apply-template', refusedTo('/partners/:id#action-plan'), async (req, res) => {
  const partnerId = parseId(req.params.id);
  const count = await applyTemplate(req.user!, partnerId, parseId(formValues(req.body).templateId));
  flash(req, 'success', 'tasks:templates.applied', { count });
  res.redirect(`/partners/${String(partnerId)}#action-plan`);
});

const adminOnly = requireRole('admin');

tasksRouter.get('/admin/task-templates', adminOnly, async (req, res) => {
  const templates = await listTemplates();
  const lang = req.language === 'en' ? 'en' : 'fr';
  const example = d3Steps[lang].map(([d, title]) => `${d} | ${title}`).join('\n');
  res.render('tasks/templates', {
    title: req.t('tasks:templates.title'),
    templates,
    values: { name: '', lines: templates.length ? '' : example },
    errors: {},
  });
});

tasksRouter.post('/admin/task-templates', toTemplates, adminOnly, async (req, res) => {
  const values = formValues(req.body);
  const name = (values.name ?? '').trim();
  const parsed = parseTemplateLines(values.lines ?? '');
  const errors: Record<string, string> = {};
  if (!name || name.length > 200) errors.name = 'validation:required';
  if (!parsed.ok) errors.lines = 'tasks:templates.badLine';
  if (Object.keys(errors).length || !parsed.ok) {
    const templates = await listTemplates();
    return res.status(422).render('tasks/templates', { title: req.t('tasks:templates.title'), templates, values, errors });
  }
  await createTemplate(req.user!, name, parsed.items);
  flash(req, 'success', 'tasks:templates.saved');
  res.redirect('/admin/task-templates');
});

tasksRouter.post('/admin/task-templates/:id/delete', toTemplates, adminOnly, existing(templateExists), async (req, res) => {
  const id = parseId(req.params.id);
  await deleteTemplate(req.user!, id);
  flash(req, 'success', 'tasks:templates.deleted');
  res.redirect('/admin/task-templates');
});
