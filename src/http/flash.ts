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

/** Moves pending flash messages into the view once, then forgets them. */
export function flashMiddleware(req: Request, res: Response, next: NextFunction): void {
  res.locals.flash = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  next();
}
