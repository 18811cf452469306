import { recordAudit } from '../audit/service.js';
import { config } from '../config.js';
import { RuleError } from '../http/errors.js';
import { claimSetting, removeSetting, settingExists } from '../settings/values.js';
import { createAdminAccount, markSignedIn, signInRecord } from '../users/credentials.js';
import type { Locale } from '../users/roles.js';
import { publicUserFields, type SessionUser } from '../users/service.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.js';
import { assertPasswordAllowed } from './password-policy.js';
import { blockedUntil, clearFailures, recordFailure } from './throttle.js';

const SETUP_KEY = 'setup.completed';

export async function setupNeeded(): Promise<boolean> {
  return !(await settingExists(SETUP_KEY));
}

/** Creates the first administrator once: the unique setting key makes a second setup impossible, even concurrently. */
export async function createFirstAdmin(input: { name: string; email: string; password: string; locale: Locale }) {
  await assertPasswordAllowed(input.password, input);
  const passwordHash = await hashPassword(input.password);
  try {
    await claimSetting(SETUP_KEY, new Date());
  } catch (err) {
    if ((err as { code?: number }).code === 11000) throw new RuleError('auth:setup.alreadyDone');
    throw err;
  }
  try {
    const user = await createAdminAccount({
      name: input.name,
      email: input.email,
      passwordHash,
      locale: input.locale,
      timezone: config.defaultTimezone,
    });
    await recordAudit({ actor: { _id: user._id, name: user.name }, entity: 'user', entityId: user._id, action: 'setup' });
    return user._id;
  } catch (err) {
    await removeSetting(SETUP_KEY);
    throw err;
  }
}

export type LoginResult = { ok: true; userId: string } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'blocked'; until: Date };

export async function attemptLogin(email: string, password: string, ip: string): Promise<LoginResult> {
  const until = await blockedUntil(email, ip);
  if (until) return { ok: false, reason: 'blocked', until };
  const user = await signInRecord(email);
  const valid = user ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
  if (!user || !valid || user.status !== 'active') {
    await recordFailure(email, ip);
    return { ok: false, reason: 'invalid' };
  }
  await clearFailures(email);
  await markSignedIn(user._id);
  return { ok: true, userId: String(user._id) };
}

export type { SessionUser };
export { publicUserFields };
