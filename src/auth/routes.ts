import { Router, type NextFunction, type Request, type Response } from 'express';
import { flash } from '../http/flash.js';
import { safeReturnTo } from '../http/guards.js';
import { formValues, parseInput } from '../http/validate.js';
import { notFound, RuleError } from '../http/errors.js';
import { requestPasswordReset } from '../users/reset-requests.js';
import { acceptInvitation, linkOwner, resetPassword } from '../users/credentials.js';
import { peekToken, type TokenPurpose } from '../users/tokens.js';
import { passport, type LoginFailure } from './passport.js';
import { forgotSchema, loginSchema, newPasswordSchema, setupSchema } from './schemas.js';
import { createFirstAdmin, setupNeeded } from './service.js';
import { signIn } from './sign-in.js';
import { PasswordRejected, passwordMeter } from './password-policy.js';
import { isLocale, rememberLanguage, withoutLangParam } from '../i18n/index.js';
import { formReturnTo, refusedTo } from '../http/refusal.js';

export const authRouter = Router();

authRouter.get('/setup', async (req, res) => {
  if (!(await setupNeeded())) throw notFound();
  res.render('auth/setup', { title: req.t('auth:setup.title'), values: { locale: req.language }, errors: {}, ...passwordMeter() });
});

authRouter.post('/setup', refusedTo('/setup'), async (req, res) => {
  if (!(await setupNeeded())) throw notFound();
  const values = formValues(req.body);
  const refuse = (errors: Record<string, string>) =>
    res.status(422).render('auth/setup', {
      title: req.t('auth:setup.title'),
      values: { ...values, password: '', passwordConfirm: '' },
      errors,
      ...passwordMeter(),
    });
  const parsed = parseInput(setupSchema, values);
  if (!parsed.ok) return refuse(parsed.errors);
  try {
    const userId = await createFirstAdmin(parsed.data);
    await signIn(req, String(userId));
  } catch (err) {
    if (err instanceof PasswordRejected) return refuse({ [err.field]: err.messageKey });
    throw err;
  }
  flash(req, 'success', 'auth:setup.done');
  res.redirect('/');
});

authRouter.get('/login', (req, res) => {
  if (req.user) return res.redirect('/');
  res.render('auth/login', { title: req.t('auth:login.title'), values: {}, errors: {} });
});

authRouter.post('/login', refusedTo('/login'), (req: Request, res: Response, next: NextFunction) => {
  const values = formValues(req.body);
  const parsed = parseInput(loginSchema, values);
  const fail = (status: number, errors: Record<string, string>, params: Record<string, string> = {}) =>
    res
      .status(status)
      .render('auth/login', { title: req.t('auth:login.title'), values: { email: values.email ?? '' }, errors, errorParams: params });
  if (!parsed.ok) return fail(422, parsed.errors);
  req.body = parsed.data;
  const authenticate = passport.authenticate('local', (err: Error | null, user: Express.User | false, info?: LoginFailure) => {
    if (err) return next(err);
    if (!user) {
      const result = info?.result;
      if (result?.reason === 'blocked') {
        const minutes = String(Math.max(1, Math.ceil((result.until.getTime() - Date.now()) / 60_000)));
        return fail(429, { _form: 'auth:login.blocked' }, { minutes });
      }
      return fail(401, { _form: 'auth:login.invalid' });
    }
    const returnTo = safeReturnTo(req.session.returnTo);
    req.login(user, { keepSessionInfo: false, session: true }, (loginErr) => {
      if (loginErr) return next(loginErr);
      res.redirect(returnTo);
    });
  }) as (req: Request, res: Response, next: NextFunction) => void;
  authenticate(req, res, next);
});

authRouter.post('/logout', refusedTo('/'), (req, res, next) => {
  req.logout((err) => {
    if (err) return next(err);
    req.session.destroy(() => {
      res.clearCookie('passerelle.sid');
      res.redirect('/login');
    });
  });
});

authRouter.get('/forgot', (req, res) => {
  res.render('auth/forgot', { title: req.t('auth:forgot.title'), values: {}, errors: {} });
});

authRouter.post('/forgot', refusedTo('/forgot'), async (req, res) => {
  const values = formValues(req.body);
  const parsed = parseInput(forgotSchema, values);
  if (!parsed.ok) return res.status(422).render('auth/forgot', { title: req.t('auth:forgot.title'), values, errors: parsed.errors });
  const answer = await requestPasswordReset(parsed.data.email, req.ip ?? 'unknown');
  if (!answer.accepted) {
    const minutes = String(Math.max(1, Math.ceil((answer.retryAt.getTime() - Date.now()) / 60_000)));
    res.set('Retry-After', String(Number(minutes) * 60));
    return res.status(429).render('auth/forgot', {
      title: req.t('auth:forgot.title'),
      values,
      errors: { _form: 'auth:forgot.tooMany' },
      errorParams: { minutes },
    });
  }
  // The same page for every address, rendered here rather than after a redirect: no session to store.
  res.render('auth/forgot-sent', { title: req.t('auth:forgot.sentTitle') });
});

/** What the strength meter on a link's page checks against: the name and address of the link's owner. */
async function passwordMeterFor(token: string, purpose: TokenPurpose) {
  return passwordMeter((await linkOwner(token, purpose)) ?? {});
}

function tokenPage(purpose: 'reset' | 'invite') {
  const view = purpose === 'reset' ? 'auth/reset' : 'auth/accept-invite';
  const title = purpose === 'reset' ? 'auth:reset.title' : 'auth:invite.title';
  const expired = (req: Request, res: Response) => res.status(410).render('auth/link-expired', { title: req.t('auth:link.expiredTitle') });
  return {
    show: async (req: Request, res: Response) => {
      const token = String(req.params.token);
      if (!(await peekToken(token, purpose))) return expired(req, res);
      res.render(view, { title: req.t(title), token, values: {}, errors: {}, ...(await passwordMeterFor(token, purpose)) });
    },
    submit: async (req: Request, res: Response) => {
      const token = String(req.params.token);
      // A dead link says so before anything is validated.
      if (!(await peekToken(token, purpose))) return expired(req, res);
      const refuse = async (errors: Record<string, string>) =>
        res.status(422).render(view, { title: req.t(title), token, values: {}, errors, ...(await passwordMeterFor(token, purpose)) });
      const parsed = parseInput(newPasswordSchema, formValues(req.body));
      if (!parsed.ok) return refuse(parsed.errors);
      try {
        const userId = await (purpose === 'reset' ? resetPassword : acceptInvitation)(token, parsed.data.password);
        if (!userId) return expired(req, res);
        if (purpose === 'reset') {
          // Every session of the user ended; one of this user's own here is renewed, otherwise sign in anew.
          if (req.user?.id === String(userId)) {
            await signIn(req, String(userId));
            flash(req, 'success', 'auth:reset.doneSignedIn');
            return res.redirect('/');
          }
          flash(req, 'success', 'auth:reset.done');
          return res.redirect('/login');
        }
        await signIn(req, String(userId));
        flash(req, 'success', 'auth:invite.done');
        res.redirect('/');
      } catch (err) {
        if (err instanceof PasswordRejected) return refuse({ [err.field]: err.messageKey });
        throw err;
      }
    },
  };
}

const reset = tokenPage('reset');
const invite = tokenPage('invite');
authRouter.get('/reset/:token', reset.show);
authRouter.post('/reset/:token', refusedTo('/reset/:token'), reset.submit);
authRouter.get('/invite/:token', invite.show);
authRouter.post('/invite/:token', refusedTo('/invite/:token'), invite.submit);

/** Language switch for visitors who are not signed in (a cookie read by the i18n detector). */
authRouter.post('/language', refusedTo(formReturnTo('/')), (req, res) => {
  const lang = formValues(req.body).lang;
  if (!isLocale(lang)) throw new RuleError('validation:choice');
  rememberLanguage(res, lang);
  // A `?lang=` left on the page's address would outrank the cookie just set.
  res.redirect(withoutLangParam(safeReturnTo(formValues(req.body).returnTo)));
});
