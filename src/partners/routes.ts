import { existing } from '../http/ids.js';
import { Router, type Request, type Response } from 'express';
import { flash } from '../http/flash.js';
import { orNotFound, parseId } from '../http/ids.js';
import { pageFrom, pagination } from '../http/paginate.js';
import { formValues, parseInput } from '../http/validate.js';
import { activeUserOptions } from '../users/service.js';
import { choices } from './page.js';
import { resourceCategories, stages } from './constants.js';
import { userNameRecord } from '../users/people.js';
import { assertMayLogInteraction, logInteraction } from './interactions.js';
import {
  contactSchema,
  explorationSchema,
  interactionSchema,
  listQuerySchema,
  partnerSchema,
  resourceSchema,
  stageSchema,
} from './schemas.js';
import {
  addResource,
  board,
  canEditPartner,
  createPartner,
  deletePartner,
  distinctRegions,
  getPartner,
  listPartners,
  moveStage,
  removeResource,
  resourceInventory,
  explorationRecord,
  saveExploration,
  setArchived,
  updatePartner,
} from './service.js';
import { contactsRouter } from './contact-routes.js';
import { forbidden } from '../http/errors.js';
import { partnerExists as exists } from './lookups.js';
import { streamPartnersCsv } from './csv.js';
import { findDuplicates } from './duplicates.js';
import { showPartner } from './page.js';
import { refusedTo } from '../http/refusal.js';
import { conflictOrThrow, RevisionConflict } from '../db/revision.js';

export const partnersRouter = Router();
partnersRouter.use(contactsRouter);
const partnerExists = existing(exists);

async function renderForm(
  req: Request,
  res: Response,
  opts: {
    status?: number;
    values: Record<string, unknown>;
    errors?: Record<string, string>;
    partnerId?: string;
    conflict?: unknown;
    duplicates?: unknown[];
  },
) {
  const users = await activeUserOptions();
  res.status(opts.status ?? 200).render('partners/form', {
    title: req.t(opts.partnerId ? 'partners:form.editTitle' : 'partners:form.newTitle'),
    values: opts.values,
    errors: opts.errors ?? {},
    partnerId: opts.partnerId ?? null,
    conflict: opts.conflict ?? null,
    duplicates: opts.duplicates ?? [],
    users,
    ...choices,
  });
}

partnersRouter.get('/partners', async (req, res) => {
  const q = listQuerySchema.parse(req.query);
  const page = pageFrom(req.query);
  const [{ items, total, owners }, users, regions] = await Promise.all([
    listPartners(q, req.user!, page),
    activeUserOptions(),
    distinctRegions(),
  ]);
  res.render('partners/index', {
    title: req.t('partners:list.title'),
    items,
    owners,
    q,
    users,
    regions,
    pager: pagination(page, total),
    ...choices,
  });
});

partnersRouter.get('/partners/new', async (req, res) => {
  await renderForm(req, res, { values: { ownerId: req.user!.id, type: 'community', priority: 'medium', contactLocale: req.language } });
});

function contactFrom(values: Record<string, string>) {
  const c = {
    name: values.contactName ?? '',
    role: values.contactRole ?? '',
    email: values.contactEmail ?? '',
    phone: values.contactPhone ?? '',
    locale: values.contactLocale ?? 'fr',
    emailConsent: values.contactConsent,
    primary: 'on',
  };
  if (!c.name && !c.email && !c.phone) return { ok: true as const, data: null };
  const parsed = parseInput(contactSchema, c);
  if (parsed.ok) return parsed;
  return {
    ok: false as const,
    errors: Object.fromEntries(Object.entries(parsed.errors).map(([k, v]) => [`contact${k[0]!.toUpperCase()}${k.slice(1)}`, v])),
  };
}

partnersRouter.post('/partners', refusedTo('/partners/new'), async (req, res) => {
  const values = formValues(req.body);
  const parsed = parseInput(partnerSchema, values);
  const contact = contactFrom(values);
  if (!parsed.ok || !contact.ok) {
    return renderForm(req, res, {
      status: 422,
      values,
      errors: { ...(parsed.ok ? {} : parsed.errors), ...(contact.ok ? {} : contact.errors) },
    });
  }
  if (values.confirmDuplicate !== 'yes') {
    const duplicates = await findDuplicates(parsed.data.name, parsed.data.website);
    if (duplicates.length) return renderForm(req, res, { status: 409, values, duplicates });
  }
  const id = await createPartner(req.user!, parsed.data, contact.data);
  flash(req, 'success', 'partners:form.created', { name: parsed.data.name });
  res.redirect(`/partners/${String(id)}`);
});

partnersRouter.get('/partners/export.csv', async (req, res) => {
  await streamPartnersCsv(res, listQuerySchema.parse(req.query), req.user!);
});

partnersRouter.get('/partners/board', async (req, res) => {
  const mine = req.query.mine === '1';
  const columns = await board(req.user!, mine);
  const owners = await userNameRecord(columns.flatMap((c) => c.partners.map((p) => p.ownerId)));
  res.render('partners/board', { title: req.t('partners:board.title'), columns, owners, mine, stages });
});

partnersRouter.get('/resources', async (req, res) => {
  const category = resourceCategories.find((c) => c === req.query.category);
  const page = pageFrom(req.query);
  const { items, total } = await resourceInventory(category, page);
  res.render('partners/resources', {
    title: req.t('partners:resources.title'),
    items,
    category: category ?? '',
    pager: pagination(page, total),
    resourceCategories,
  });
});

partnersRouter.get('/partners/:id', (req, res) => showPartner(req, res));

partnersRouter.get('/partners/:id/edit', async (req, res) => {
  const partner = orNotFound(await getPartner(parseId(req.params.id)));
  if (!canEditPartner(req.user!, partner)) throw forbidden();
  await renderForm(req, res, {
    values: { ...partner, ownerId: String(partner.ownerId), tags: partner.tags.join(', ') },
    partnerId: String(partner._id),
  });
});

partnersRouter.post('/partners/:id', refusedTo('/partners/:id'), partnerExists, async (req, res) => {
  const id = parseId(req.params.id);
  const values = formValues(req.body);
  const parsed = parseInput(partnerSchema, values);
  if (!parsed.ok) return renderForm(req, res, { status: 422, values, errors: parsed.errors, partnerId: String(id) });
  const result = await updatePartner(req.user!, id, parsed.data);
  if (!result.ok) {
    // Someone saved first: show their version beside this one; this user's input stays in the form.
    const current = result.conflict.current;
    return renderForm(req, res, {
      status: 409,
      values: { ...values, rev: String(current.rev) },
      partnerId: String(id),
      conflict: { ...current, tags: current.tags.join(', ') },
    });
  }
  flash(req, 'success', 'partners:form.saved');
  res.redirect(`/partners/${String(id)}`);
});

const back = (id: unknown) => `/partners/${String(id)}`;

partnersRouter.post('/partners/:id/stage', refusedTo('/partners/:id'), partnerExists, async (req, res) => {
  const id = parseId(req.params.id);
  const parsed = parseInput(stageSchema, formValues(req.body));
  if (!parsed.ok) {
    flash(req, 'error', Object.values(parsed.errors)[0]!);
    return res.redirect(formValues(req.body).from === 'board' ? '/partners/board' : back(id));
  }
  await moveStage(req.user!, id, parsed.data.stage, parsed.data.reason);
  flash(req, 'success', 'partners:stage.moved', { stage: req.t(`partners:stages.${parsed.data.stage}`) });
  res.redirect(formValues(req.body).from === 'board' ? '/partners/board' : back(id));
});

partnersRouter.post('/partners/:id/exploration', refusedTo('/partners/:id'), partnerExists, async (req, res) => {
  const id = parseId(req.params.id);
  const parsed = parseInput(explorationSchema, formValues(req.body));
  if (!parsed.ok) {
    flash(req, 'error', Object.values(parsed.errors)[0]!);
    return res.redirect(`${back(id)}#exploration`);
  }
  const saved = await saveExploration(req.user!, id, parsed.data).catch(conflictOrThrow);
  if (saved instanceof RevisionConflict)
    return showPartner(req, res, {
      status: 409,
      exploration: explorationRecord(parsed.data),
      rev: (saved.current as { rev: number }).rev,
      explorationErrors: { _form: saved.messageKey },
    });
  flash(req, 'success', 'partners:exploration.saved');
  res.redirect(`${back(id)}#exploration`);
});

partnersRouter.post('/partners/:id/resources', refusedTo('/partners/:id'), partnerExists, async (req, res) => {
  const id = parseId(req.params.id);
  const parsed = parseInput(resourceSchema, formValues(req.body));
  if (!parsed.ok) {
    flash(req, 'error', Object.values(parsed.errors)[0]!);
    return res.redirect(`${back(id)}#resources`);
  }
  await addResource(req.user!, id, parsed.data);
  res.redirect(`${back(id)}#resources`);
});

partnersRouter.post('/partners/:id/resources/:resourceId/remove', refusedTo('/partners/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  await removeResource(req.user!, id, parseId(req.params.resourceId));
  res.redirect(`${back(id)}#resources`);
});

partnersRouter.post('/partners/:id/interactions', refusedTo('/partners/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  await assertMayLogInteraction(req.user!, id);
  const parsed = parseInput(interactionSchema, formValues(req.body));
  if (!parsed.ok) {
    flash(req, 'error', Object.values(parsed.errors)[0]!);
    return res.redirect(`${back(id)}#interactions`);
  }
  await logInteraction(req.user!, id, parsed.data);
  flash(req, 'success', 'partners:interactions.added');
  res.redirect(`${back(id)}#timeline`);
});

partnersRouter.post('/partners/:id/archive', refusedTo('/partners/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  await setArchived(req.user!, id, true);
  flash(req, 'success', 'partners:archive.archived');
  res.redirect(back(id));
});

partnersRouter.post('/partners/:id/restore', refusedTo('/partners/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  await setArchived(req.user!, id, false);
  flash(req, 'success', 'partners:archive.restored');
  res.redirect(back(id));
});

partnersRouter.get('/partners/:id/delete', async (req, res) => {
  if (req.user!.role !== 'admin') throw forbidden();
  const partner = orNotFound(await getPartner(parseId(req.params.id)));
  res.render('partners/delete', { title: req.t('partners:delete.title', { name: partner.name }), partner });
});

partnersRouter.post('/partners/:id/delete', refusedTo('/partners/:id'), async (req, res) => {
  await deletePartner(req.user!, parseId(req.params.id));
  flash(req, 'success', 'partners:delete.done');
  res.redirect('/partners?archived=1');
});
