import type { NextFunction, Request, Response } from 'express';

export type FlashKind = 'success' | 'error' | 'info';
export interface FlashMessage {
  kind: FlashKind;
  key: string;
  params?: Record<string, string | number>;
}

declare module 'express-session' {
  interface SessionData {
    flash?: FlashMessage[];
  }
}

export function flash(req: Request, kind: FlashKind, key: string, params?: Record<string, string | number>): void {
  if (!req.session) return;
  req.session.flash = [...(req.session.flash ?? []), { kind, key, ...(params ? { params } : {}) }];
}

/** A browser's speculative load (prefetch, prerender) is not the user seeing the page. */
const isSpeculative = (req: Request): boolean => /prefetch|prerender/i.test(`${req.get('sec-purpose') ?? ''} ${req.get('purpose') ?? ''}`);

/**
 * Moves pending flash messages into the view once, then forgets them (but not for a prefetch).
 *
 * express-session saves at the end of a response but sends the head first, so a browser can follow a
 * redirect, or submit the next form, before the session write lands, and the next request then reads
 * or overwrites a stale session (messages lost). So the session is saved before any redirect, and
 * right after messages are consumed.
 */
const holdsData = (session: object): boolean => Object.keys(session).some((k) => k !== 'cookie');

export function flashMiddleware(req: Request, res: Response, next: NextFunction): void {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = (...args: unknown[]) => {
    // A session holding nothing (an anonymous visitor's, never stored) stays unstored.
    if (!req.session || !holdsData(req.session)) return redirect(...args);
    req.session.save(() => redirect(...args));
    return undefined;
  };
  res.locals.flash = req.session?.flash ?? [];
  if (req.session?.flash && !isSpeculative(req)) {
    delete req.session.flash;
    req.session.save((err) => next(err));
    return;
  }
  next();
}
