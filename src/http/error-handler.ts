import type { NextFunction, Request, Response } from 'express';
import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { config } from '../config.js';
import { flash } from './flash.js';
import { HttpError, RuleError } from './errors.js';
import { refusalPath } from './refusal.js';

// The driver's errors while the database is gone: any network error (a pool cleared under waiting
// requests is one), no server to select, and a client or pool closed while it reconnects. Mongoose
// names its own selection error alike; a wrapped error (a session store's) is judged by its cause.
const DOWN_CLASSES = [
  MongoNetworkError,
  MongoServerSelectionError,
  MongoNotConnectedError,
  MongoTopologyClosedError,
  MongoServerClosedError,
  MongoClientClosedError,
];
const DOWN_NAMES = new Set(['MongooseServerSelectionError', 'MongoPoolClosedError', 'MongoWaitQueueTimeoutError']);

export function isDatabaseDown(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 5) return false;
  if (DOWN_CLASSES.some((c) => err instanceof c) || DOWN_NAMES.has(err.name)) return true;
  if (/buffering timed out|Client must be connected|connection .* closed/i.test(err.message)) return true;
  return isDatabaseDown(err.cause, depth + 1);
}

interface Classified {
  status: number;
  key: string;
}

function classify(err: unknown): Classified {
  if (err instanceof HttpError) return { status: err.status, key: err.messageKey };
  const e = err as { code?: string; type?: string; status?: number; name?: string };
  if (e.code === 'EBADCSRFTOKEN') return { status: 403, key: 'errors:csrf' };
  if (e.type === 'entity.too.large' || e.status === 413) return { status: 413, key: 'errors:tooLarge' };
  // The body parser's refusals: a charset or compression it does not read (utf-7, say) is a 415.
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported' || e.status === 415)
    return { status: 415, key: 'errors:unsupportedMedia' };
  if (e.type === 'entity.parse.failed' || e.status === 400) return { status: 400, key: 'errors:badRequest' };
  // Any other client error the parsers raise (http-errors marks them `expose`) stays a client error.
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && (err as { expose?: boolean }).expose)
    return { status: e.status, key: 'errors:badRequest' };
  if (e.name === 'CastError') return { status: 404, key: 'errors:notFound' };
  if (isDatabaseDown(err)) return { status: 503, key: 'errors:unavailable' };
  return { status: 500, key: 'errors:server' };
}

/** The one error path: typed errors become a page (HTML) or JSON; unexpected ones are logged with the request id. */
export function errorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  if (err instanceof RuleError && req.session && req.method !== 'GET') {
    flash(req, 'error', err.messageKey, err.params as Record<string, string>);
    // Back to the record the action was about, as its route declared (refusedTo): not the Referer,
    // which the app's `Referrer-Policy: no-referrer` keeps browsers from sending.
    return res.redirect(303, refusalPath(res));
  }
  const { status, key } = err instanceof RuleError ? { status: 400, key: err.messageKey } : classify(err);
  if (status >= 500) req.log?.error({ err }, 'request failed');
  else req.log?.info({ status, key }, 'request refused');
  const t = (typeof req.t === 'function' ? req.t : (k: string) => k) as (key: string, opts?: object) => string;
  const message = t(key);
  res.status(status);
  if (status === 503) {
    res.set('Retry-After', '5');
    // Saving the session would fail too, and express-session hands that error on after the page is
    // sent: the socket is then destroyed and the visitor gets nothing. Without a session, nothing is saved.
    delete (req as { session?: unknown }).session;
  }
  res.format({
    html: () => {
      const view = [403, 404, 503].includes(status) ? `errors/${status}` : 'errors/error';
      res.render(
        view,
        {
          title: t(`errors:title.${status}`, { defaultValue: t('errors:title.default') }),
          status,
          message,
          requestId: typeof req.id === 'string' ? req.id : '',
          stack: config.env === 'development' && err instanceof Error ? err.stack : undefined,
          t,
          user: req.user,
          lang: req.language ?? config.defaultLocale,
        },
        (renderErr, html) => {
          // The page itself could not be drawn (say, the database is down under the layout): plain text.
          if (renderErr) return res.type('text').send(`${status} ${message}`);
          res.send(html);
        },
      );
    },
    default: () => res.json({ error: key, message, requestId: req.id }),
  });
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new HttpError(404, 'errors:notFound'));
}
