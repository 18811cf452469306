import type { NextFunction, Request, Response } from 'express';
import { Types } from 'mongoose';
import { notFound } from './errors.js';

/** Parses a route id; a malformed id is the same as an unknown one (404), never a cast error (500). */
export function parseId(value: unknown): Types.ObjectId {
  if (typeof value !== 'string' || !/^[a-f0-9]{24}$/i.test(value)) throw notFound();
  return new Types.ObjectId(value);
}

export function orNotFound<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw notFound();
  return value;
}

/**
 * Route middleware: 404 when the record named by the route's `:id` does not exist, before the form
 * is validated (so an unknown id never reads as a form error). `exists` is the owning feature's
 * lookup by _id, cheap everywhere.
 */
export function existing(exists: (id: Types.ObjectId) => Promise<unknown>, param = 'id') {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    orNotFound(await exists(parseId(req.params[param])));
    next();
  };
}
