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

passport.serializeUser((user, done) => done(null, user.id));

// A deactivated (or deleted) user's session stops working at the next request.
passport.deserializeUser((id: string, done) => {
  findActiveUser(id)
    .then((user) => done(null, user ?? false))
    .catch(done);
});

export { passport };
