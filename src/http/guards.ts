import type { NextFunction, Request, Response } from 'express';
import { forbidden } from './errors.js';
import type { Role } from '../users/roles.js';

export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (req.user) return next();
  if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
    // The home page is where sign-in leads anyway: no session stored just to remember it.
    const returnTo = safeReturnTo(req.originalUrl);
    if (returnTo !== '/') req.session.returnTo = returnTo;
    return res.redirect('/login');
  }
  res.status(401).format({
    html: () => res.redirect('/login'),
    default: () => res.json({ error: 'unauthorized' }),
  });
}

/** The one role guard: a signed-in user whose role is not listed gets a 403 page. */
export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.user) return next(forbidden());
    if (!roles.includes(req.user.role)) return next(forbidden());
    next();
  };
}

/** Only same-site relative paths: never an open redirect. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string') return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}

declare module 'express-session' {
  interface SessionData {
    returnTo?: string;
  }
}
