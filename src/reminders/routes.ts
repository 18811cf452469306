import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../http/guards.js';
import { orNotFound, parseId } from '../http/ids.js';
import { flash } from '../http/flash.js';
import { pageFrom, pagination } from '../http/paginate.js';
import { formValues, parseInput } from '../http/validate.js';
import { healthDimensions } from '../progress/constants.js';
import { resendFailed } from './deliver.js';
import { answerSchema, openFollowUp, optOut, optOutLocale, recordAnswer, revokeFollowUpRequest } from './followup.js';
import { registeredKinds } from './kinds.js';
import './followup-kinds.js'; // registered, so the outbox filter lists them
import './blocker-kinds.js';
import './retrospective-kinds.js';
import { outboxMessageExists, outboxPage } from './outbox.js';
import { outboxStates } from './constants.js';
import { openRsvp, recordRsvp, rsvpAnswers, type RsvpAnswer } from './meetings.js';
import { DateTime } from 'luxon';
import { refusedTo } from '../http/refusal.js';
import { noStore, refuse, speak } from './partner-page.js';
import { intlLocale } from '../util/formats.js';

// A refused withdrawal returns to the agreement the follow-up request is about (its id begins with it).
const toRequestAgreement = refusedTo((req) => `/agreements/${/^[a-f0-9]{24}(?=\.)/.exec(String(req.params.id))?.[0] ?? ''}`);

// Pages for people without an account (partner contacts), in the contact's language.
export const partnerLinksRouter = Router();

partnerLinksRouter.get('/p/followup/:token', async (req, res) => {
  noStore(res);
  const opened = await openFollowUp(req.params.token);
  if (!opened.ok) return refuse(req, res, opened.reason, opened.locale);
  await speak(req, res, opened.contact.locale);
  res.render('reminders/followup', {
    title: req.t('reminders:followup.title'),
    ...opened,
    dimensions: healthDimensions,
    token: req.params.token,
  });
});

partnerLinksRouter.post('/p/followup/:token', refusedTo('/p/followup/:token'), async (req, res) => {
  noStore(res);
  const opened = await openFollowUp(req.params.token);
  if (!opened.ok) return refuse(req, res, opened.reason, opened.locale);
  await speak(req, res, opened.contact.locale);
  const values = formValues(req.body);
  const parsed = parseInput(answerSchema(opened.kpis), values, req.language);
  if (!parsed.ok)
    return res.status(422).render('reminders/followup', {
      title: req.t('reminders:followup.title'),
      ...opened,
      dimensions: healthDimensions,
      token: req.params.token,
      values,
      errors: parsed.errors,
    });
  if (!(await recordAnswer(opened, parsed.data))) return refuse(req, res, 'used', opened.contact.locale);
  res.render('reminders/followup-done', { title: req.t('reminders:followup.doneTitle'), contact: opened.contact });
});

// One-click opt-out: the signed link is the authorization (RFC 8058 POSTs carry no CSRF token).
partnerLinksRouter.get('/p/optout/:token', async (req, res) => {
  noStore(res);
  const locale = await optOutLocale(req.params.token);
  if (!locale) return refuse(req, res, 'invalid');
  await speak(req, res, locale);
  res.render('reminders/optout', { title: req.t('reminders:optout.title'), token: req.params.token, done: false });
});
partnerLinksRouter.post('/p/optout/:token', refusedTo('/p/optout/:token'), async (req, res) => {
  noStore(res);
  const result = await optOut(req.params.token);
  if (!result.ok) return refuse(req, res, 'invalid');
  await speak(req, res, result.locale);
  res.render('reminders/optout', { title: req.t('reminders:optout.doneTitle'), token: req.params.token, done: true });
});

// A partner contact accepts or declines a meeting invitation. GET only shows the choice (mail
// scanners follow links); the answer is a POST.
async function renderRsvp(req: Request, res: Response, done: boolean): Promise<void> {
  noStore(res);
  const opened = await openRsvp(req.params.token);
  if (!opened.ok) return refuse(req, res, opened.reason);
  const locale = await speak(req, res, opened.locale);
  const m = opened.meeting;
  let response = opened.response;
  if (done) {
    const answer = (req.body as Record<string, unknown> | undefined)?.answer;
    if (typeof answer !== 'string' || !rsvpAnswers.includes(answer as RsvpAnswer)) {
      res.status(422);
      done = false;
    } else if (await recordRsvp(m, opened.contactId, answer as RsvpAnswer)) {
      response = answer;
    } else {
      // The meeting was cancelled since the invitation: the page says so, nothing is recorded.
      res.status(410);
      done = false;
    }
  }
  const start = DateTime.fromJSDate(m.start).setZone(m.zone).setLocale(intlLocale(locale));
  const preselect = typeof req.query.answer === 'string' ? req.query.answer : '';
  res.render('reminders/rsvp', {
    title: req.t(m.cancelled ? 'reminders:rsvp.cancelledTitle' : 'reminders:rsvp.title'),
    meeting: m,
    when: start.toLocaleString(DateTime.DATETIME_FULL),
    place: [m.location, m.videoUrl].filter(Boolean).join(' · '),
    contactName: opened.contactName,
    response,
    done,
    preselect,
    token: req.params.token,
  });
}
partnerLinksRouter.get('/p/rsvp/:token', (req, res) => renderRsvp(req, res, false));
partnerLinksRouter.post('/p/rsvp/:token', refusedTo('/p/rsvp/:token'), (req, res) => renderRsvp(req, res, true));

// Administrators: every message and its state, filters, resend of failed ones.
export const outboxRouter = Router();
outboxRouter.use('/admin/outbox', requireRole('admin'));

const filterSchema = z.object({
  state: z.enum(outboxStates).optional().catch(undefined),
  kind: z
    .string()
    .regex(/^[a-z_]{1,40}$/)
    .optional()
    .catch(undefined),
  to: z.string().trim().max(254).optional().catch(undefined),
});

outboxRouter.get('/admin/outbox', async (req, res) => {
  const f = filterSchema.parse(req.query);
  const page = pageFrom(req.query, 50);
  const { items, total } = await outboxPage(f, page);
  const kinds = [
    ...new Set([
      ...registeredKinds().map((k) => k.kind),
      'followup_owner',
      'followup_response',
      'meeting_invitation',
      'meeting_cancelled',
      'password_reset',
    ]),
  ].sort();
  res.render('reminders/outbox', {
    title: req.t('reminders:outbox.title'),
    items,
    filters: { state: f.state ?? '', kind: f.kind ?? '', to: f.to ?? '' },
    states: outboxStates,
    kinds,
    pager: pagination(page, total),
  });
});

outboxRouter.post('/admin/outbox/:id/resend', refusedTo('/admin/outbox'), async (req, res) => {
  const id = parseId(req.params.id);
  orNotFound(await outboxMessageExists(id));
  const ok = await resendFailed(id);
  flash(req, ok ? 'success' : 'error', ok ? 'reminders:outbox.resent' : 'reminders:outbox.notFailed');
  req.session.save(() => res.redirect(303, '/admin/outbox'));
});

// The owner, the team or a manager withdraws a partner's follow-up link.
outboxRouter.post('/followup-requests/:id/revoke', toRequestAgreement, async (req, res) => {
  const id = String(req.params.id);
  if (!/^[a-f0-9]{24}\.\d{4}-\d{2}-\d{2}\.[a-f0-9]{24}$/.test(id)) return refuse(req, res, 'invalid');
  await revokeFollowUpRequest(req.user!, id);
  flash(req, 'success', 'reminders:followup.revoked');
  req.session.save(() => res.redirect(303, `/agreements/${id.split('.')[0]}`));
});
