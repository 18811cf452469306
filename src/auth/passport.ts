import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { findActiveUser, type SessionUser } from '../users/service.js';
import { attemptLogin, type LoginResult } from './service.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
  }
}

export interface LoginFailure {
  result: Exclude<LoginResult, { ok: true }>;
}

passport.use(
  new LocalStrategy({ usernameField: 'email', passwordField: 'password', passReqToCallback: true }, (req, email, password, done) => {
    attemptLogin(email, password, req.ip ?? 'unknown')
      .then(async (result) => {
        if (!result.ok) return done(null, false, { result } as unknown as { message: string });
        return done(null, (await findActiveUser(result.userId)) ?? false);
      })
      .catch(done);
  }),
);

/** What a session keeps of its user: the id, and the user's session epoch at sign-in. */
interface SessionRef {
  id: string;
  epoch: string;
}

passport.serializeUser((user, done) => done(null, { id: user.id, epoch: user.sessionEpoch ?? '' } satisfies SessionRef));

// A session stops working at its next request when its user is deactivated or deleted, or when the
// user's epoch moved on (password reset or change, role change, "sign out everywhere"). Sessions
// from before the epoch existed hold the bare id, and match the initial empty epoch.
passport.deserializeUser((stored: SessionRef | string, done) => {
  const ref: SessionRef = typeof stored === 'string' ? { id: stored, epoch: '' } : stored;
  findActiveUser(String(ref?.id))
    .then((user) => done(null, user && user.sessionEpoch === ref.epoch ? user : false))
    .catch(done);
});

export { passport };
