// Where a refused action (a RuleError on a POST) sends the user back: the record the action was about.
// The app sends `Referrer-Policy: no-referrer`, so "back" cannot come from the Referer header: every
// POST route declares its place with `refusedTo(…)`, and the error handler redirects there.
import type { NextFunction, Request, Response } from 'express';
import { safeReturnTo } from './guards.js';
import { formValues } from './validate.js';

type Target = string | ((req: Request) => string);

const declared = new WeakMap<object, string>();

/**
 * Route middleware: a refusal of this action returns to `target`, a path whose `:params` are the
 * route's own (`'/agreements/:id'`), or a function of the request (a form's validated return path).
 */
export function refusedTo(target: Target) {
  const handler = (req: Request, res: Response, next: NextFunction): void => {
    const path =
      typeof target === 'function'
        ? target(req)
        : target.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(String(req.params[name] ?? '')));
    res.locals.refusedTo = safeReturnTo(path);
    next();
  };
  declared.set(handler, typeof target === 'function' ? 'dynamic' : target);
  return handler;
}

/** For forms shown on several pages (a task list): the page the form posted as `returnTo`, checked same-site. */
export const formReturnTo =
  (fallback: string) =>
  (req: Request): string =>
    formValues(req.body).returnTo ?? fallback;

/** The place a refusal of the current request returns to ('/' when its route declared none). */
export const refusalPath = (res: Response): string => safeReturnTo(res.locals.refusedTo);

/** For the check that every POST route declares one: the target a route handler was made with. */
export const refusalTarget = (handler: unknown): string | undefined => (typeof handler === 'function' ? declared.get(handler) : undefined);
