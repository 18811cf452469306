import { config } from '../config.js';
import { Router, type Request, type Response } from 'express';
import { flash } from '../http/flash.js';
import { requireRole } from '../http/guards.js';
import { existing, parseId } from '../http/ids.js';
import { userExists } from './people.js';
import { pageFrom, pagination } from '../http/paginate.js';
import { formValues, parseInput, type FieldErrors } from '../http/validate.js';
import { passwordChangeSchema } from '../auth/schemas.js';
import { PasswordRejected, passwordMeter } from '../auth/password-policy.js';
import { signIn } from '../auth/sign-in.js';
import { changePassword, endAllSessions } from './credentials.js';
import { inviteSchema, profileSchema, roleChangeSchema } from './schemas.js';
import { timeZoneGroups } from '../util/time-zones.js';
import { changeRole, getUser, inviteUser, listUsers, sendInvitation, setActive, setOwnLocale, updateProfile } from './service.js';
import { orNotFound } from '../http/ids.js';
import { roles } from './roles.js';
import { formReturnTo, refusedTo } from '../http/refusal.js';
import { safeReturnTo } from '../http/guards.js';
import { isLocale, withoutLangParam } from '../i18n/index.js';
import { RuleError } from '../http/errors.js';

export const usersRouter = Router();
const adminOnly = requireRole('admin');

usersRouter.get('/admin/users', adminOnly, async (req, res) => {
  const page = pageFrom(req.query);
  const { items, total } = await listUsers(page);
  res.render('users/index', { title: req.t('users:list.title'), users: items, pager: pagination(page, total), roles });
});

usersRouter.get('/admin/users/invite', adminOnly, (req, res) => {
  res.render('users/invite', {
    title: req.t('users:invite.title'),
    values: { role: 'professional', locale: req.language },
    errors: {},
    roles,
  });
});

usersRouter.post('/admin/users/invite', refusedTo('/admin/users/invite'), adminOnly, async (req, res) => {
  const values = formValues(req.body);
  const parsed = parseInput(inviteSchema, values);
  if (!parsed.ok)
    return res.status(422).render('users/invite', { title: req.t('users:invite.title'), values, errors: parsed.errors, roles });
  await inviteUser(req.user!, parsed.data);
  flash(req, 'success', 'users:invite.sent', { email: parsed.data.email });
  res.redirect('/admin/users');
});

usersRouter.post('/admin/users/:id/role', refusedTo('/admin/users'), adminOnly, existing(userExists), async (req, res) => {
  const id = parseId(req.params.id);
  const parsed = parseInput(roleChangeSchema, formValues(req.body));
  if (!parsed.ok) {
    flash(req, 'error', 'validation:choice');
    return res.redirect('/admin/users');
  }
  await changeRole(req.user!, id, parsed.data.role);
  flash(req, 'success', 'users:role.changed');
  res.redirect('/admin/users');
});

usersRouter.post('/admin/users/:id/deactivate', refusedTo('/admin/users'), adminOnly, async (req, res) => {
  await setActive(req.user!, parseId(req.params.id), false);
  flash(req, 'success', 'users:status.deactivatedFlash');
  res.redirect('/admin/users');
});

usersRouter.post('/admin/users/:id/reactivate', refusedTo('/admin/users'), adminOnly, async (req, res) => {
  await setActive(req.user!, parseId(req.params.id), true);
  flash(req, 'success', 'users:status.reactivated');
  res.redirect('/admin/users');
});

usersRouter.post('/admin/users/:id/resend-invite', refusedTo('/admin/users'), adminOnly, async (req, res) => {
  const user = orNotFound(await getUser(parseId(req.params.id)));
  await sendInvitation(user._id, req.user!.name);
  flash(req, 'success', 'users:invite.sent', { email: user.email });
  res.redirect('/admin/users');
});

const defaultLeadHours = config.reminders.meetingLeadHours;

function renderProfile(req: Request, res: Response, values: Record<string, unknown>, errors: FieldErrors = {}, status = 200) {
  res.status(status).render('users/profile', {
    title: req.t('users:profile.title'),
    values,
    errors,
    zoneGroups: timeZoneGroups(config.defaultTimezone),
    defaultLeadHours,
    ...passwordMeter(req.user),
  });
}

usersRouter.get('/profile', async (req, res) => {
  renderProfile(req, res, orNotFound(await getUser(req.user!._id)));
});

usersRouter.post('/profile', refusedTo('/profile'), async (req, res) => {
  const values = formValues(req.body);
  const parsed = parseInput(profileSchema, values);
  if (!parsed.ok) return renderProfile(req, res, { ...values, email: req.user!.email }, parsed.errors, 422);
  await updateProfile(req.user!, parsed.data);
  flash(req, 'success', 'users:profile.saved');
  res.redirect('/profile');
});

// The header's language switch: saved to the profile, then back to the page it was used on.
usersRouter.post('/profile/language', refusedTo(formReturnTo('/')), async (req, res) => {
  const { lang, returnTo } = formValues(req.body);
  if (!isLocale(lang)) throw new RuleError('validation:choice');
  await setOwnLocale(req.user!, lang);
  res.redirect(withoutLangParam(safeReturnTo(returnTo)));
});

usersRouter.post('/profile/password', refusedTo('/profile'), async (req, res) => {
  const parsed = parseInput(passwordChangeSchema, formValues(req.body));
  const refuse = async (errors: FieldErrors) => renderProfile(req, res, orNotFound(await getUser(req.user!._id)), errors, 422);
  if (!parsed.ok) return refuse(parsed.errors);
  try {
    await changePassword(req.user!, parsed.data, req.ip ?? 'unknown');
  } catch (err) {
    if (err instanceof PasswordRejected) return refuse({ [err.field]: err.messageKey });
    throw err;
  }
  // Every session of the user ended with the change: this one goes on, under a new id.
  await signIn(req, req.user!.id);
  flash(req, 'success', 'users:password.changed');
  res.redirect('/profile');
});

usersRouter.post('/profile/sessions/end', refusedTo('/profile'), async (req, res) => {
  await endAllSessions(req.user!);
  await signIn(req, req.user!.id);
  flash(req, 'success', 'users:sessions.ended');
  res.redirect('/profile');
});
