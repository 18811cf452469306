import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';
import { config } from '../config.js';

// No inline script anywhere: scripts and styles come from public/ only.
export const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'form-action': ["'self'"],
      'frame-ancestors': ["'self'"],
      'upgrade-insecure-requests': config.trustProxy ? [] : null,
    },
  },
  strictTransportSecurity: config.trustProxy,
});

const csrf = csrfSync({
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    const fromBody = typeof body?._csrf === 'string' ? body._csrf : undefined;
    const header = req.get('x-csrf-token');
    return fromBody ?? header;
  },
  errorConfig: { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' },
});
export const { generateToken, isRequestValid, invalidCsrfTokenError } = csrf;

/** File uploads (multipart): the body, and so the token, exists only after the route's parser ran. */
const checkedAfterUpload = new Set(['/partners/import']);

export function csrfSynchronisedProtection(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'POST' && checkedAfterUpload.has(req.path)) return next();
  // One-click opt-out (RFC 8058) is POSTed by mail clients without a session: its signed link is the authorization.
  if (req.method === 'POST' && req.path.startsWith('/p/optout/')) return next();
  csrf.csrfSynchronisedProtection(req, res, next);
}

/** The same check, for routes in `checkedAfterUpload`, placed after their multipart parser. */
export function csrfAfterUpload(req: Request, _res: Response, next: NextFunction): void {
  next(isRequestValid(req) ? undefined : invalidCsrfTokenError);
}

/** The token every form carries: issued for the current session (a new one after sign-in). */
export function csrfLocals(req: Request, res: Response, next: NextFunction): void {
  res.locals.csrfToken = generateToken(req);
  next();
}
