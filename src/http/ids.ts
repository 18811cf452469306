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
 * Parses a route id and checks that the record exists, before the form is read: an unknown id is a
 * 404 whatever the body holds (not a form error about a record that is not there).
 */
export async function existingId(model: { exists(filter: { _id: Types.ObjectId }): PromiseLike<unknown> }, value: unknown) {
  const id = parseId(value);
  orNotFound(await model.exists({ _id: id }));
  return id;
}
