// The review of a draft with the partners: the owner's forms on the agreement page, and the pages a
// partner contact opens by the signed link.
import { Router, type Request, type Response } from 'express';
import { ourSide } from '../agreements/page-data.js';
import { partyNames } from '../agreements/service.js';
import { flash } from '../http/flash.js';
import { parseId } from '../http/ids.js';
import { refusedTo } from '../http/refusal.js';
import { pagePanel } from '../http/page-panel.js';
import { formList, formValues, parseInput, type FieldErrors } from '../http/validate.js';
import { formRevision } from '../db/revision.js';
import { noStore, refuse, speak } from '../reminders/partner-page.js';
import { agree, agreeSchema, addNote, noteSchema, openReview, type OpenReview } from './partner.js';
import { decideNote, inviteReviewers, revokeInvitation, reviewPanel } from './service.js';
import { agreementById } from '../agreements/lookups.js';
import { proposableElements } from './text.js';
import { elements } from '../agreements/constants.js';

export const reviewsRouter = Router();
const toReview = refusedTo((req) => `/agreements/${encodeURIComponent(String(req.params.id))}#review`);

// The agreement page's review panel (the agreements router renders the page).
reviewsRouter.use(
  pagePanel('/agreements/:id', async (id) => {
    const a = await agreementById(id);
    return a && { review: await reviewPanel(a) };
  }),
);

reviewsRouter.post('/agreements/:id/reviews', toReview, async (req, res) => {
  const id = parseId(req.params.id);
  const sent = await inviteReviewers(req.user!, id, formList(req.body, 'contactIds'));
  flash(req, 'success', 'reviews:owner.sentCount', { count: sent });
  res.redirect(`/agreements/${String(id)}#review`);
});

reviewsRouter.post('/agreements/:id/reviews/:invitation/revoke', toReview, async (req, res) => {
  const id = parseId(req.params.id);
  await revokeInvitation(req.user!, id, String(req.params.invitation));
  flash(req, 'success', 'reviews:owner.revoked');
  res.redirect(`/agreements/${String(id)}#review`);
});

reviewsRouter.post('/agreements/:id/reviews/notes/:note', toReview, async (req, res) => {
  const id = parseId(req.params.id);
  const values = formValues(req.body);
  const decision = await decideNote(req.user!, id, String(req.params.note), values.decision, formRevision(values.rev) ?? -1);
  flash(req, 'success', `reviews:owner.decided.${decision}`);
  res.redirect(`/agreements/${String(id)}#review`);
});

// The partner's pages (public: the signed link is the authorization) ---------------------------------

export const partnerReviewRouter = Router();

async function renderReview(
  req: Request,
  res: Response,
  opened: OpenReview,
  extra: { status?: number; values?: Record<string, string>; errors?: FieldErrors; form?: string } = {},
) {
  const a = opened.agreement;
  res.status(extra.status ?? 200).render('reviews/review', {
    title: req.t('reviews:partner.title', { title: a.title }),
    ...opened,
    a,
    // The text as agreed, without results: a draft has none, and the partner's own page shows none.
    kpis: a.kpis.map((k) => ({ ...k, history: [], progress: null })),
    names: await partyNames(a.partnerIds, req.t('agreements:deletedPartner')),
    ourSide: await ourSide(req.t),
    elements,
    proposable: proposableElements,
    token: req.params.token,
    values: extra.values ?? { name: opened.contact.name, role: opened.contact.role },
    errors: extra.errors ?? {},
    form: extra.form ?? '',
  });
}

/** Opens the link, in the contact's language; a refused link answers for itself (null). */
async function opened(req: Request, res: Response): Promise<OpenReview | null> {
  noStore(res);
  const review = await openReview(req.params.token);
  if (!review.ok) {
    await refuse(req, res, review.reason, review.locale);
    return null;
  }
  await speak(req, res, review.contact.locale);
  return review;
}

partnerReviewRouter.get('/p/review/:token', async (req, res) => {
  const review = await opened(req, res);
  if (review) await renderReview(req, res, review);
});

partnerReviewRouter.post('/p/review/:token/note', refusedTo('/p/review/:token'), async (req, res) => {
  const review = await opened(req, res);
  if (!review) return;
  const values = formValues(req.body);
  const parsed = parseInput(noteSchema, values, req.language);
  if (!parsed.ok) return renderReview(req, res, review, { status: 422, values, errors: parsed.errors, form: values.kind ?? 'comment' });
  await addNote(review, parsed.data);
  flash(req, 'success', `reviews:partner.${parsed.data.kind}Sent`);
  res.redirect(`/p/review/${String(req.params.token)}${String(res.locals.langQuery ?? '')}#notes`);
});

partnerReviewRouter.post('/p/review/:token/agree', refusedTo('/p/review/:token'), async (req, res) => {
  const review = await opened(req, res);
  if (!review) return;
  const values = formValues(req.body);
  const parsed = parseInput(agreeSchema, values, req.language);
  if (!parsed.ok) return renderReview(req, res, review, { status: 422, values, errors: parsed.errors, form: 'agree' });
  const outcome = await agree(review, parsed.data, String(values.fingerprint ?? ''));
  if (outcome === 'changed')
    return renderReview(req, res, review, { status: 409, values, errors: { _form: 'reviews:errors.changedMeanwhile' }, form: 'agree' });
  flash(req, 'success', 'reviews:partner.agreed');
  res.redirect(`/p/review/${String(req.params.token)}${String(res.locals.langQuery ?? '')}#agree`);
});
