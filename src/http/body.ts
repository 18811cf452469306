// The form body parser, whose refusals (too large, a charset it does not read, a malformed body)
// wait until the session, the user and their language are known: the error page is then in the
// user's language and inside the layout, like any other page, instead of showing raw keys.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

const parseError = Symbol('bodyParseError');
type WithParseError = Request & { [parseError]?: unknown };

export function formBody(options: Parameters<typeof express.urlencoded>[0]): RequestHandler {
  const parser = express.urlencoded(options);
  return (req, res, next) =>
    parser(req, res, (err?: unknown) => {
      if (err) (req as WithParseError)[parseError] = err;
      next();
    });
}

/** Hands on the body parser's refusal, once the language and the layout are in place. */
export function bodyParseErrors(req: Request, _res: Response, next: NextFunction): void {
  next((req as WithParseError)[parseError]);
}
