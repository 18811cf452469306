import type { NextFunction, Request, Response } from 'express';

/**
 * Every HTML page is its view rendered inside views/layout.ejs; `layout: false` opts out (print
 * views, partial fragments). Keeps the standard res.render so routes stay plain Express.
 */
export function layoutMiddleware(_req: Request, res: Response, next: NextFunction): void {
  const render = res.render.bind(res);
  res.render = (view: string, options?: object, callback?: (err: Error, html: string) => void) => {
    const locals = (options ?? {}) as Record<string, unknown>;
    if (locals.layout === false) return render(view, locals, callback);
    render(view, locals, (err: Error | null, body: string) => {
      if (err) return next(err);
      render('layout', { ...locals, body }, callback);
    });
  };
  next();
}
