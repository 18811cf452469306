import type { Request } from 'express';
import { notFound } from '../http/errors.js';
import { findActiveUser } from '../users/service.js';

/**
 * Signs the user in on this request with a new session: passport 0.7 regenerates the session id (no
 * fixation) and the new session starts clean, with the user's current session epoch. Also used to
 * keep the current session after a change that ended all the user's sessions.
 */
export async function signIn(req: Request, userId: string): Promise<void> {
  const user = await findActiveUser(userId);
  if (!user) throw notFound();
  await new Promise<void>((resolve, reject) =>
    req.login(user, { keepSessionInfo: false, session: true }, (err) => (err ? reject(err as Error) : resolve())),
  );
}
