import crypto from 'node:crypto';
import type { Types } from 'mongoose';
import { config } from '../config.js';
import { recordAudit, diffFields, type Actor } from '../audit/service.js';
import { notFound, RuleError } from '../http/errors.js';
import { sendTemplateMail } from '../mail/send.js';
import { perChangeCache } from '../db/per-change-cache.js';
import { UserModel } from './model.js';
import type { Locale, Role } from './roles.js';
import { issueToken } from './tokens.js';

/** Every read leaves the password hash behind. */
export const publicUserFields = { passwordHash: 0 } as const;

export interface SessionUser {
  _id: Types.ObjectId;
  id: string;
  name: string;
  email: string;
  role: Role;
  locale: Locale;
  timezone: string;
  /** The user's session epoch when loaded: what a new session is signed in with. */
  sessionEpoch?: string;
}

export async function findActiveUser(id: string): Promise<SessionUser | null> {
  if (!/^[a-f0-9]{24}$/i.test(id)) return null;
  // By _id alone (the lookup FerretDB answers from its index; this runs on every request), then the status.
  const u = await UserModel.findById(id, publicUserFields).lean();
  if (!u || u.status !== 'active') return null;
  return {
    _id: u._id,
    id: String(u._id),
    name: u.name,
    email: u.email,
    role: u.role,
    locale: u.locale,
    timezone: u.timezone,
    sessionEpoch: u.sessionEpoch ?? '',
  };
}

/**
 * A new epoch for the user's sessions: every session signed in before no longer matches and is
 * signed out at its next request. A random value, not a counter: FerretDB loses concurrent $inc.
 */
export const newSessionEpoch = (): string => crypto.randomBytes(12).toString('base64url');

export async function emailTaken(email: string, exceptId?: Types.ObjectId): Promise<boolean> {
  const found = await UserModel.findOne({ email: email.toLowerCase(), ...(exceptId ? { _id: { $ne: exceptId } } : {}) }, { _id: 1 }).lean();
  return found !== null;
}

export async function listUsers(opts: { page: number; perPage: number }) {
  const [items, total] = await Promise.all([
    UserModel.find({}, publicUserFields)
      .sort({ name: 1, _id: 1 })
      .skip((opts.page - 1) * opts.perPage)
      .limit(opts.perPage)
      .lean(),
    UserModel.countDocuments({}),
  ]);
  return { items, total };
}

const readActiveUsers = () => UserModel.find({ status: 'active' }, { name: 1, role: 1 }).sort({ name: 1 }).lean().exec();
const activeUsers = perChangeCache<Awaited<ReturnType<typeof readActiveUsers>>>({ max: 1, maxAgeMs: 600_000 });

/** The active users by name (every form's owner choice), shared until a user changes: read it, do not change it. */
export const activeUserOptions = () => activeUsers.get('', readActiveUsers);

export async function getUser(id: Types.ObjectId) {
  return UserModel.findById(id, publicUserFields).lean();
}

export async function inviteUser(actor: Actor, input: { name: string; email: string; role: Role; locale: Locale }): Promise<void> {
  if (await emailTaken(input.email)) throw new RuleError('users:errors.emailTaken');
  let user;
  try {
    user = await UserModel.create({ ...input, status: 'invited', timezone: config.defaultTimezone, invitedBy: actor._id });
  } catch (err) {
    if ((err as { code?: number }).code === 11000) throw new RuleError('users:errors.emailTaken');
    throw err;
  }
  await recordAudit({ actor, entity: 'user', entityId: user._id, action: 'invite', note: `${input.email} (${input.role})` });
  await sendInvitation(user._id, actor.name);
}

export async function sendInvitation(userId: Types.ObjectId, inviterName: string): Promise<void> {
  const user = await UserModel.findById(userId, publicUserFields).lean();
  if (!user || user.status !== 'invited') throw new RuleError('users:errors.notInvited');
  const token = await issueToken(user._id, 'invite');
  await sendTemplateMail('invite', user.locale, user.email, {
    name: user.name,
    inviter: inviterName,
    link: `${config.baseUrl}/invite/${token}`,
  });
}

export async function changeRole(actor: Actor, userId: Types.ObjectId, role: Role): Promise<void> {
  const user = await UserModel.findById(userId, publicUserFields).lean();
  if (!user) throw notFound();
  if (String(userId) === String(actor._id) && role !== 'admin') throw new RuleError('users:errors.ownRole');
  if (user.role === role) return;
  // New rights, new sign-in: the user's open sessions end.
  await UserModel.updateOne({ _id: userId }, { $set: { role, sessionEpoch: newSessionEpoch() } });
  await recordAudit({ actor, entity: 'user', entityId: userId, action: 'role', changes: diffFields(user, { role }, ['role']) });
}

export async function setActive(actor: Actor, userId: Types.ObjectId, active: boolean): Promise<void> {
  if (String(userId) === String(actor._id)) throw new RuleError('users:errors.ownStatus');
  // The hash is read only to know whether a password was ever set (the public fields leave it out).
  const user = await UserModel.findById(userId, { passwordHash: 1 }).lean();
  if (!user) throw notFound();
  const status = active ? (user.passwordHash ? 'active' : 'invited') : 'deactivated';
  // Deactivation ends the sessions for good: a later reactivation does not bring them back.
  await UserModel.updateOne({ _id: userId }, { $set: { status, ...(active ? {} : { sessionEpoch: newSessionEpoch() }) } });
  await recordAudit({ actor, entity: 'user', entityId: userId, action: active ? 'reactivate' : 'deactivate' });
}

/** The header's language switch: only the profile's language changes. */
export async function setOwnLocale(actor: Actor, locale: Locale): Promise<void> {
  const before = await UserModel.findById(actor._id, { locale: 1 }).lean();
  if (!before) throw notFound();
  if (before.locale === locale) return;
  await UserModel.updateOne({ _id: actor._id }, { $set: { locale } });
  await recordAudit({
    actor,
    entity: 'user',
    entityId: actor._id,
    action: 'profile',
    changes: [{ field: 'locale', from: before.locale, to: locale }],
  });
}

export async function updateProfile(
  actor: Actor,
  input: { name: string; locale: Locale; timezone: string; meetingReminderHours: number | null },
): Promise<void> {
  const before = await UserModel.findById(actor._id, publicUserFields).lean();
  if (!before) throw notFound();
  await UserModel.updateOne({ _id: actor._id }, { $set: input });
  await recordAudit({
    actor,
    entity: 'user',
    entityId: actor._id,
    action: 'profile',
    changes: diffFields(before, input, ['name', 'locale', 'timezone', 'meetingReminderHours']),
  });
}
