// Retrospectives: the form on an ending agreement, the portfolio-wide search, and the panels the
// agreement and partner pages show (lessons.ts decides what they hold).
import { Router, type Request, type Response } from 'express';
import type { Types } from 'mongoose';
import { agreementById } from '../agreements/lookups.js';
import { partnerTypes } from '../partners/constants.js';
import { conflictOrThrow, RevisionConflict } from '../db/revision.js';
import { flash } from '../http/flash.js';
import { parseId } from '../http/ids.js';
import { pageFrom, pagination } from '../http/paginate.js';
import { pagePanel } from '../http/page-panel.js';
import { refusedTo } from '../http/refusal.js';
import { formValues, parseInput, type FieldErrors } from '../http/validate.js';
import { endings, partnerAgainChoices } from './constants.js';
import { agreementLessons, partnerLessons } from './lessons.js';
import type { RetrospectiveDoc } from './model.js';
import {
  agreementToLookBack,
  retrospectiveOf,
  retrospectiveSchema,
  searchQuerySchema,
  searchRetrospectives,
  successesOf,
  writeRetrospective,
} from './service.js';

export const retrospectivesRouter = Router();

// The agreement page's retrospective (or its lessons, on a draft) and the partner page's lessons;
// mounted before the routers that render those pages.
retrospectivesRouter.use(
  pagePanel('/agreements/:id', async (id, user) => {
    const a = await agreementById(id);
    return a && { lookBack: await agreementLessons(user, a) };
  }),
  pagePanel('/partners/:id', async (id, user) => ({ lessons: await partnerLessons(user, id) })),
);

const textOf = (r: RetrospectiveDoc) => ({
  worked: r.worked,
  didNotWork: r.didNotWork,
  partnerAgain: r.partnerAgain,
  why: r.why,
  communicate: r.communicate,
  rev: String(r.rev),
});

async function renderForm(
  req: Request,
  res: Response,
  id: Types.ObjectId,
  opts: { values?: Record<string, string>; errors?: FieldErrors; status?: number; conflict?: RetrospectiveDoc | null } = {},
) {
  const { a, ending } = await agreementToLookBack(req.user!, id);
  const [stored, successes] = await Promise.all([retrospectiveOf(id), successesOf(a)]);
  res.status(opts.status ?? 200).render('retrospectives/form', {
    title: req.t('retrospectives:form.title'),
    agreement: a,
    ending,
    successes,
    editing: Boolean(stored),
    values: opts.values ?? (stored ? textOf(stored) : { rev: '' }),
    errors: opts.errors ?? {},
    conflict: opts.conflict ?? null,
    partnerAgainChoices,
  });
}

retrospectivesRouter.get('/agreements/:id/retrospective', async (req, res) => {
  await renderForm(req, res, parseId(req.params.id));
});

retrospectivesRouter.post('/agreements/:id/retrospective', refusedTo('/agreements/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  const values = formValues(req.body);
  const parsed = parseInput(retrospectiveSchema, values, req.language);
  if (!parsed.ok) return renderForm(req, res, id, { values, errors: parsed.errors, status: 422 });
  const saved = await writeRetrospective(req.user!, id, parsed.data).catch(conflictOrThrow<RetrospectiveDoc | null>);
  if (saved instanceof RevisionConflict) {
    // Someone saved first: their text beside this user's, which stays in the form, at their revision.
    const current = saved.current ?? null;
    return renderForm(req, res, id, {
      values: { ...values, rev: current ? String(current.rev) : '' },
      errors: { _form: saved.messageKey },
      status: 409,
      conflict: current,
    });
  }
  flash(req, 'success', saved.created ? 'retrospectives:form.saved' : 'retrospectives:form.updated');
  res.redirect(`/agreements/${String(id)}#retrospective`);
});

retrospectivesRouter.get('/retrospectives', async (req, res) => {
  const q = searchQuerySchema.parse(req.query);
  const page = pageFrom(req.query, 20);
  const { items, total } = await searchRetrospectives(q, page);
  res.render('retrospectives/index', {
    title: req.t('retrospectives:search.title'),
    q,
    items,
    pager: pagination(page, total),
    partnerTypes,
    partnerAgainChoices,
    endings,
  });
});
