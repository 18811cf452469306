import { Router, type Request, type Response } from 'express';
import { flash } from '../http/flash.js';
import { forbidden, notFound } from '../http/errors.js';
import { existing, orNotFound, parseId } from '../http/ids.js';
import { pageFrom, pagination } from '../http/paginate.js';
import { formInput, formValues, parseInput } from '../http/validate.js';
import { refusedTo } from '../http/refusal.js';
import { conflictOrThrow, formRevision, RevisionConflict } from '../db/revision.js';
import { partnerDirectory } from '../partners/directory.js';
import { userNameRecord } from '../users/people.js';
import { overdueChecks } from '../progress/schedule.js';
import { isManager } from '../users/roles.js';
import { activeUserOptions } from '../users/service.js';
import { elements, endedStatuses, type AgreementElement } from './constants.js';
import { documentPanel } from '../documents/service.js';
import type { AgreementDoc } from './model.js';
import { streamAgreementsCsv, streamMeasurementsCsv } from './csv.js';
import { listQuerySchema, measurementCsvQuerySchema, measurementSchema, parseBasics, parseElement, signatoriesFrom } from './schemas.js';
import {
  addMeasurement,
  canEditAgreement,
  createAgreement,
  editAgreement,
  listAgreements,
  movesFor,
  partyNames,
  transition,
  versionsOf,
} from './service.js';
import { agreementHistory } from './timeline.js';
import { overlapsOf } from './overlaps.js';
import { choices, loadView } from './page-data.js';
import { withAmendment } from './amendments.js';
import { approvalRight, openStatuses, transitions, type Transition } from './status.js';
import { agreementById, agreementExists, agreementTitleAndStatus } from './lookups.js';

// A refused action returns to the agreement it was about.
const toAgreement = refusedTo('/agreements/:id');

export const agreementsRouter = Router();

async function basicsForm(
  req: Request,
  res: Response,
  opts: { status?: number; values: Record<string, unknown>; errors?: Record<string, string>; agreementId?: string; amending?: boolean },
) {
  const [partners, users] = await Promise.all([
    partnerDirectory().then((all) =>
      all
        .filter((p) => !p.archived)
        .sort((a, b) => a.nameFolded.localeCompare(b.nameFolded))
        .slice(0, 1000),
    ),
    activeUserOptions(),
  ]);
  res.status(opts.status ?? 200).render('agreements/basics', {
    title: req.t(opts.agreementId ? 'agreements:basics.editTitle' : 'agreements:basics.newTitle'),
    values: opts.values,
    errors: opts.errors ?? {},
    agreementId: opts.agreementId ?? null,
    amending: opts.amending ?? false,
    partners,
    users,
    ...choices,
  });
}

agreementsRouter.get('/agreements', async (req, res) => {
  const q = listQuerySchema.parse(req.query);
  const page = pageFrom(req.query);
  const [{ items, total, names }, users] = await Promise.all([listAgreements(q, req.user!, page), activeUserOptions()]);
  const owners = await userNameRecord(items.map((a) => a.ownerId));
  res.render('agreements/index', {
    title: req.t('agreements:list.title'),
    items,
    names,
    owners,
    users,
    q,
    exportQuery: new URLSearchParams(
      Object.entries(q).flatMap(([k, v]): [string, string][] => (v === undefined ? [] : [[k, String(v)]])),
    ).toString(),
    pager: pagination(page, total),
    ...choices,
  });
});

agreementsRouter.get('/agreements/export.csv', async (req, res) => {
  await streamAgreementsCsv(res, listQuerySchema.parse(req.query), req.user!);
});

agreementsRouter.get('/agreements/measurements.csv', async (req, res) => {
  await streamMeasurementsCsv(res, measurementCsvQuerySchema.parse(req.query), req.user!);
});

agreementsRouter.get('/agreements/new', async (req, res) => {
  const partnerId = typeof req.query.partnerId === 'string' ? req.query.partnerId : '';
  await basicsForm(req, res, {
    values: {
      leadPartnerId: partnerId,
      ownerId: req.user!.id,
      kind: 'memorandum',
      language: req.language,
      renewalNoticeDays: '60',
      otherPartnerIds: [],
      teamIds: [],
    },
  });
});

agreementsRouter.post('/agreements', refusedTo('/agreements/new'), async (req, res) => {
  const parsed = parseBasics(req.body, req.language);
  if (!parsed.ok) return basicsForm(req, res, { status: 422, values: parsed.values, errors: parsed.errors });
  const id = await createAgreement(req.user!, parsed.data);
  flash(req, 'success', 'agreements:basics.created');
  res.redirect(`/agreements/${String(id)}`);
});

agreementsRouter.get('/agreements/:id', async (req, res) => {
  const view = await loadView(parseId(req.params.id), req.t('agreements:deletedPartner'));
  const [versions, renewalOf, renewalTo, overdue, history, documents, overlaps] = await Promise.all([
    versionsOf(view.a._id),
    view.a.renewedFromId ? agreementTitleAndStatus(view.a.renewedFromId) : null,
    view.a.renewedToId ? agreementTitleAndStatus(view.a.renewedToId) : null,
    overdueChecks({ partnerId: view.a.partnerIds[0] }),
    agreementHistory(view.a._id),
    documentPanel(req.user!, 'agreement', view.a._id),
    overlapsOf(view.a),
  ]);
  res.render('agreements/show', {
    title: view.a.title,
    ...view,
    versions,
    history,
    charts: true,
    scripts: ['/public/vendor/chart.umd.min.js', '/public/js/kpi-charts.js', '/public/js/document-upload.js'],
    documents,
    overlaps,
    renewalOf,
    renewalTo,
    renewalOpen: Boolean(renewalTo && openStatuses.includes(renewalTo.status)),
    overdueAgreements: overdue.filter((o) => String(o._id) === String(view.a._id)),
    ended: endedStatuses.includes(view.a.status),
    canEdit: canEditAgreement(req.user!, view.a) && !endedStatuses.includes(view.a.status),
    moves: movesFor(req.user!, view.a),
    approval: approvalRight(req.user!, view.a),
    approvalBlocked: view.a.status === 'in_review' && isManager(req.user!.role) && approvalRight(req.user!, view.a) === 'refused',
    ...choices,
  });
});

const isElement = (e: string): e is AgreementElement | 'basics' => e === 'basics' || (elements as readonly string[]).includes(e);

agreementsRouter.get('/agreements/:id/edit/:element', async (req, res) => {
  const element = String(req.params.element);
  if (!isElement(element)) throw notFound();
  // An active agreement's form shows its open amendment: the change the user is preparing.
  const a = withAmendment(orNotFound(await agreementById(parseId(req.params.id))));
  if (!canEditAgreement(req.user!, a)) throw forbidden();
  if (element === 'basics') {
    return basicsForm(req, res, {
      agreementId: String(a._id),
      amending: a.status === 'active',
      values: {
        ...a,
        leadPartnerId: String(a.partnerIds[0]),
        otherPartnerIds: a.partnerIds.slice(1).map(String),
        teamIds: a.teamIds.map(String),
        ownerId: String(a.ownerId),
        startDate: a.startDate?.toISOString().slice(0, 10) ?? '',
        endDate: a.endDate?.toISOString().slice(0, 10) ?? '',
        renewalNoticeDays: String(a.renewalNoticeDays),
      },
    });
  }
  res.render('agreements/element', {
    title: req.t(`agreements:elements.${element}`),
    element,
    a,
    names: await partyNames(a.partnerIds, req.t('agreements:deletedPartner')),
    errors: {},
    ...choices,
  });
});

agreementsRouter.post('/agreements/:id/edit/:element', toAgreement, async (req, res) => {
  const element = String(req.params.element);
  if (!isElement(element)) throw notFound();
  const id = parseId(req.params.id);
  // A missing or malformed revision is no revision: the rule (db/revision.ts) refuses it.
  const rev = formRevision(formValues(req.body).rev) ?? -1;
  let outcome: Awaited<ReturnType<typeof editAgreement>>;
  if (element === 'basics') {
    const parsed = parseBasics(req.body, req.language);
    if (!parsed.ok)
      return basicsForm(req, res, {
        status: 422,
        values: { ...parsed.values, rev: formValues(req.body).rev ?? '' },
        errors: parsed.errors,
        agreementId: String(id),
      });
    const saved = await editAgreement(req.user!, id, rev, 'basics', parsed.data).catch(conflictOrThrow);
    if (saved instanceof RevisionConflict)
      return basicsForm(req, res, {
        status: 409,
        values: { ...formInput(req.body, ['otherPartnerIds', 'teamIds']), rev: String((saved.current as { rev: number }).rev) },
        errors: { _form: saved.messageKey },
        agreementId: String(id),
      });
    outcome = saved;
  } else {
    const parsed = parseElement(element, req.body, req.language);
    if (!parsed.ok) {
      const a = withAmendment(orNotFound(await agreementById(id)));
      return res.status(422).render('agreements/element', {
        title: req.t(`agreements:elements.${element}`),
        element,
        // The element as the user typed it, over the stored agreement: their input stays in the form.
        a: { ...a, ...parsed.draft },
        names: await partyNames(a.partnerIds, req.t('agreements:deletedPartner')),
        errors: parsed.errors,
        ...choices,
      });
    }
    const saved = await editAgreement(req.user!, id, rev, element, parsed.patch).catch(conflictOrThrow);
    if (saved instanceof RevisionConflict) {
      const current = withAmendment(saved.current as AgreementDoc);
      return res.status(409).render('agreements/element', {
        title: req.t(`agreements:elements.${element}`),
        element,
        // The user's element over the agreement as it now is, at its current revision: compare, save again.
        a: { ...current, ...parsed.patch, rev: current.rev },
        names: await partyNames(current.partnerIds, req.t('agreements:deletedPartner')),
        errors: { _form: saved.messageKey },
        ...choices,
      });
    }
    outcome = saved;
  }
  flash(req, 'success', outcome === 'proposed' ? 'agreements:amendment.saved' : 'agreements:element.saved');
  res.redirect(`/agreements/${String(id)}#${element}`);
});

agreementsRouter.post('/agreements/:id/transition', toAgreement, async (req, res) => {
  const id = parseId(req.params.id);
  const v = formValues(req.body);
  const t = v.action as Transition;
  if (!(t in transitions)) throw notFound();
  const result = await transition(req.user!, id, t, {
    comment: v.comment ?? '',
    reason: (v.reason ?? '').trim(),
    signatories: signatoriesFrom(req.body),
    override: v.override === 'on',
  });
  flash(req, 'success', `agreements:transitions.done.${t}`);
  // Ending an agreement asks for its retrospective (src/retrospectives): a termination goes to its form.
  res.redirect(t === 'terminate' ? `/agreements/${String(id)}/retrospective` : `/agreements/${String(result.renewalId ?? id)}`);
});

agreementsRouter.post('/agreements/:id/kpis/:kpiId/measurements', toAgreement, existing(agreementExists), async (req, res) => {
  const id = parseId(req.params.id);
  const parsed = parseInput(measurementSchema, formValues(req.body), req.language);
  if (!parsed.ok) {
    flash(req, 'error', Object.values(parsed.errors)[0]!);
    return res.redirect(`/agreements/${String(id)}#kpis`);
  }
  await addMeasurement(req.user!, id, parseId(req.params.kpiId), parsed.data);
  flash(req, 'success', 'agreements:kpis.recorded');
  res.redirect(`/agreements/${String(id)}#kpis`);
});
