// Setting a password (invitation, reset, profile change) and ending a user's sessions. Every new
// password passes the one policy (auth/password-policy.ts); a reset, a change and "sign out
// everywhere" move the user's session epoch, which signs out every session opened before.
import type { Types } from 'mongoose';
import { recordAudit, type Actor } from '../audit/service.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { assertPasswordAllowed, PasswordRejected } from '../auth/password-policy.js';
import { blockedUntil, clearFailures, recordFailure } from '../auth/throttle.js';
import { UserModel } from './model.js';
import type { Locale } from './roles.js';
import { newSessionEpoch } from './service.js';
import { consumeToken, peekToken, type TokenPurpose } from './tokens.js';

/** The user a live link belongs to (for the policy's "not your own name"), or null. */
export async function linkOwner(token: string, purpose: TokenPurpose) {
  const live = await peekToken(token, purpose);
  if (!live) return null;
  return UserModel.findById(live.userId, { name: 1, email: 1, status: 1 }).lean();
}

/** Sets the invitee's password and activates the account; null when the link is dead. */
export async function acceptInvitation(token: string, password: string): Promise<Types.ObjectId | null> {
  const owner = await linkOwner(token, 'invite');
  if (!owner) return null;
  await assertPasswordAllowed(password, owner);
  const passwordHash = await hashPassword(password);
  const userId = await consumeToken(token, 'invite');
  if (!userId) return null;
  await UserModel.updateOne(
    { _id: userId, status: 'invited' },
    { $set: { passwordHash, status: 'active', sessionEpoch: newSessionEpoch() } },
  );
  await recordAudit({ actor: null, entity: 'user', entityId: userId, action: 'accept-invite' });
  return userId;
}

/** Sets a new password through a reset link and signs out every session; the user's id, or null when the link is dead. */
export async function resetPassword(token: string, password: string): Promise<Types.ObjectId | null> {
  const owner = await linkOwner(token, 'reset');
  if (!owner) return null;
  await assertPasswordAllowed(password, owner);
  const passwordHash = await hashPassword(password);
  const userId = await consumeToken(token, 'reset');
  if (!userId) return null;
  await UserModel.updateOne({ _id: userId }, { $set: { passwordHash, sessionEpoch: newSessionEpoch() } });
  await clearFailures(owner.email);
  await recordAudit({ actor: null, entity: 'user', entityId: userId, action: 'password-reset' });
  return userId;
}

/**
 * The profile's password change: the current password first (failures count towards the sign-in
 * throttle, so this form cannot be used to guess it), then the policy. Every session ends; the
 * route signs the current one in again.
 */
export async function changePassword(
  actor: Actor & { email: string },
  input: { currentPassword: string; password: string },
  ip: string,
): Promise<void> {
  if (await blockedUntil(actor.email, ip)) throw new PasswordRejected('currentPassword', 'users:password.blocked');
  const user = await UserModel.findById(actor._id, { name: 1, email: 1, passwordHash: 1 }).lean();
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordFailure(actor.email, ip);
    throw new PasswordRejected('currentPassword', 'users:password.wrongCurrent');
  }
  await assertPasswordAllowed(input.password, user);
  const passwordHash = await hashPassword(input.password);
  await UserModel.updateOne({ _id: actor._id }, { $set: { passwordHash, sessionEpoch: newSessionEpoch() } });
  await recordAudit({ actor, entity: 'user', entityId: actor._id, action: 'password-change' });
}

/** "Sign out everywhere": every session of the user ends; the route signs the current one in again. */
export async function endAllSessions(actor: Actor): Promise<void> {
  await UserModel.updateOne({ _id: actor._id }, { $set: { sessionEpoch: newSessionEpoch() } });
  await recordAudit({ actor, entity: 'user', entityId: actor._id, action: 'sign-out-everywhere' });
}

/** The first administrator's account (the setup page). */
export const createAdminAccount = (input: { name: string; email: string; passwordHash: string; locale: Locale; timezone: string }) =>
  UserModel.create({ ...input, role: 'admin' as const, status: 'active' as const });

/** What signing in checks, by address: the password hash and the status. */
export const signInRecord = (email: string) => UserModel.findOne({ email: email.toLowerCase() }, { passwordHash: 1, status: 1 }).lean();

export async function markSignedIn(userId: Types.ObjectId, at = new Date()): Promise<void> {
  await UserModel.updateOne({ _id: userId }, { $set: { lastLoginAt: at } });
}
