// Blockers of an agreement: the panel on its page, the form (from a check, a partner's answer, a
// meeting or the agreement itself), resolving and sharing one.
import { Router, type Request, type Response } from 'express';
import { flash } from '../http/flash.js';
import { parseId } from '../http/ids.js';
import { pagePanel } from '../http/page-panel.js';
import { refusedTo } from '../http/refusal.js';
import { formValues, parseInput, type FieldErrors } from '../http/validate.js';
import { config } from '../config.js';
import { agreementForBlocker, blockerOrigin, blockerSchema, blockersOf, raiseBlocker, resolveBlocker, shareBlocker } from './service.js';

export const blockersRouter = Router();
const toPanel = refusedTo((req) => `/agreements/${encodeURIComponent(String(req.params.id))}#blockers`);

// The agreement page's blockers panel (the agreements router renders the page).
blockersRouter.use(
  pagePanel('/agreements/:id', async (id) => ({
    blockers: await blockersOf(id),
    blockerEscalationDays: config.reminders.blockerEscalationDays,
  })),
);

async function renderForm(req: Request, res: Response, values: Record<string, string>, errors: FieldErrors = {}) {
  const id = parseId(req.params.id);
  const agreement = await agreementForBlocker(req.user!, id);
  res.status(Object.keys(errors).length ? 422 : 200).render('blockers/new', {
    title: req.t('blockers:new.title'),
    agreement,
    values,
    errors,
  });
}

blockersRouter.get('/agreements/:id/blockers/new', async (req, res) => {
  const id = parseId(req.params.id);
  await agreementForBlocker(req.user!, id);
  const q = formValues(req.query);
  // The challenge or support need the check or the partner's answer raised, to start from.
  const origin = await blockerOrigin(id, q.source ?? '', q.sourceId ?? '');
  const source = origin.source === 'followup' ? 'check' : origin.source;
  await renderForm(req, res, {
    what: origin.text,
    source,
    sourceId: origin.sourceId ? String(origin.sourceId) : '',
    hurts: '',
    unblockBy: '',
  });
});

blockersRouter.post('/agreements/:id/blockers', refusedTo('/agreements/:id/blockers/new'), async (req, res) => {
  const id = parseId(req.params.id);
  const values = formValues(req.body);
  const parsed = parseInput(blockerSchema, values, req.language);
  if (!parsed.ok) return renderForm(req, res, values, parsed.errors);
  const { created } = await raiseBlocker(req.user!, id, parsed.data);
  flash(req, 'success', created ? 'blockers:new.saved' : 'blockers:new.already');
  res.redirect(`/agreements/${String(id)}#blockers`);
});

blockersRouter.post('/agreements/:id/blockers/:blocker/resolve', toPanel, async (req, res) => {
  const id = parseId(req.params.id);
  const done = await resolveBlocker(req.user!, id, parseId(req.params.blocker), formValues(req.body).resolution ?? '');
  flash(req, 'success', done ? 'blockers:panel.resolved' : 'blockers:panel.alreadyResolved');
  res.redirect(`/agreements/${String(id)}#blockers`);
});

blockersRouter.post('/agreements/:id/blockers/:blocker/share', toPanel, async (req, res) => {
  const id = parseId(req.params.id);
  const shared = formValues(req.body).shared === 'on';
  await shareBlocker(req.user!, id, parseId(req.params.blocker), shared);
  flash(req, 'success', shared ? 'blockers:panel.sharedNow' : 'blockers:panel.unsharedNow');
  res.redirect(`/agreements/${String(id)}#blockers`);
});
