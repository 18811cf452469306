import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import { doubleCsrf } from 'csrf-csrf';
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

const tokenFromRequest = (req: Request): string | undefined => {
  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = typeof body?._csrf === 'string' ? body._csrf : undefined;
  return fromBody ?? req.get('x-csrf-token') ?? multipartQueryToken(req);
};

/**
 * A streamed upload (documents) is checked before its body is read, so its token cannot be in the
 * body: its form carries it in the action's query string (or the script sends the header). Only
 * multipart requests may do so; the app sends `Referrer-Policy: no-referrer`, so the URL leaks nowhere.
 */
function multipartQueryToken(req: Request): string | undefined {
  if (!req.is('multipart/form-data')) return undefined;
  const q = (req.query as Record<string, unknown>)._csrf;
  return typeof q === 'string' ? q : undefined;
}
const errorConfig = { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' };

// Two kinds of CSRF token, one per kind of visitor:
// - signed in: the synchronizer token, kept in the session (csrf-sync), as before;
// - not signed in (sign-in, setup, reset, invitation, partner pages): a signed double-submit cookie
//   (csrf-csrf). The form carries the same HMAC-signed value as a SameSite=Strict, HttpOnly cookie;
//   a forger can neither read the cookie nor sign a value of their own. This keeps anonymous visits
//   from storing a session each (the synchronizer token needed one), so a session is stored only
//   once there is a user, or a message to carry to the next page.
const sessionCsrf = csrfSync({ getTokenFromRequest: tokenFromRequest, errorConfig });
export const CSRF_COOKIE = 'passerelle.csrf';
const cookieCsrf = doubleCsrf({
  getSecret: () => config.sessionSecret,
  // No session to bind to before sign-in: the token is bound to its cookie alone.
  getSessionIdentifier: () => '',
  cookieName: CSRF_COOKIE,
  cookieOptions: { sameSite: 'strict', httpOnly: true, path: '/' },
  getCsrfTokenFromRequest: tokenFromRequest,
  errorConfig,
});

const signedIn = (req: Request): boolean => Boolean(req.user);

export const invalidCsrfTokenError = sessionCsrf.invalidCsrfTokenError;

/** Whether the request carries a valid token of its visitor's kind. */
export const isRequestValid = (req: Request): boolean =>
  signedIn(req) ? sessionCsrf.isRequestValid(req) : cookieCsrf.validateRequest(req);

/** File uploads (multipart): the body, and so the token, exists only after the route's parser ran. */
const checkedAfterUpload = new Set(['/partners/import']);

export function csrfSynchronisedProtection(req: Request, res: Response, next: NextFunction): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  if (req.method === 'POST' && checkedAfterUpload.has(req.path)) return next();
  // One-click opt-out (RFC 8058) is POSTed by mail clients without a session: its signed link is the authorization.
  if (req.method === 'POST' && req.path.startsWith('/p/optout/')) return next();
  next(isRequestValid(req) ? undefined : invalidCsrfTokenError);
}

/** The same check, for routes in `checkedAfterUpload`, placed after their multipart parser. */
export function csrfAfterUpload(req: Request, _res: Response, next: NextFunction): void {
  next(isRequestValid(req) ? undefined : invalidCsrfTokenError);
}

/** The token every form carries: the session's for a signed-in user (a new one after sign-in), else the cookie's. */
export function generateToken(req: Request, res: Response): string {
  // Secure whenever the request came over HTTPS, like the session cookie's 'auto'.
  return signedIn(req) ? sessionCsrf.generateToken(req) : cookieCsrf.generateCsrfToken(req, res, { cookieOptions: { secure: req.secure } });
}

export function csrfLocals(req: Request, res: Response, next: NextFunction): void {
  res.locals.csrfToken = generateToken(req, res);
  next();
}
