// A panel another feature adds to a record's page (the agreement page's blockers, the partner
// page's lessons): a GET middleware on the page's path, mounted before the router that renders the
// page, that loads the panel's locals. The record's own router never learns of the panel.
import { Router, type RequestHandler } from 'express';
import { Types } from 'mongoose';
import type { SessionUser } from '../users/service.js';

type Load = (id: Types.ObjectId, user: SessionUser) => Promise<Record<string, unknown> | null>;

/** A router that, on `GET <path>` with a valid `:id`, merges what `load` returns into the page's locals. */
export function pagePanel(path: string, load: Load): Router {
  return Router().get(path, (async (req, res, next) => {
    const id = String(req.params.id);
    // Only a record's page (24 hex digits): not /partners/board, nor a 12-character word isValid takes.
    if (!/^[a-f0-9]{24}$/i.test(id) || !req.user) return next();
    Object.assign(res.locals, (await load(new Types.ObjectId(id), req.user)) ?? {});
    next();
  }) as RequestHandler);
}
