// Optimistic concurrency, one rule for every edit form: the form carries the revision it was read
// at; a save from any other revision, or from none, is refused (409, the form shown again with the
// user's input and the current record), and of two saves from the same revision exactly one wins.
// The claim is a unique-key insert (claim.ts): FerretDB's conditional updates are not atomic.
import type { Types } from 'mongoose';
import { claimOnce } from './claim.js';

/** Refused saves: the caller re-renders the form (409) with `current`, the record as it now is. */
export class RevisionConflict<T = unknown> extends Error {
  constructor(
    readonly messageKey: string,
    readonly current?: T,
  ) {
    super(messageKey);
    this.name = 'RevisionConflict';
  }
}

/** The revision a form carried: a whole number written in digits, else null (missing or forged). */
export function formRevision(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 0 ? raw : null;
  return typeof raw === 'string' && /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : null;
}

/**
 * True for the one save that may go ahead: `submitted` is the revision the record is at (`stored`)
 * and no other save from it claimed it first. `kind` names the collection in the claim's key.
 */
export async function claimRevision(kind: string, id: Types.ObjectId, stored: number, submitted: unknown): Promise<boolean> {
  const rev = formRevision(submitted);
  if (rev === null || rev !== stored) return false;
  return claimOnce(`${kind}:${String(id)}:rev:${rev}`);
}

/** For `.catch(conflictOrThrow)`: a refused save becomes a value the route re-renders its form with. */
export function conflictOrThrow<T = unknown>(err: unknown): RevisionConflict<T> {
  if (err instanceof RevisionConflict) return err as RevisionConflict<T>;
  throw err;
}
