// Shares equal values between the rows of an in-memory directory (directory.ts). A lean document
// arrives with its own copy of every ObjectId, Date and string: 100,000 KPI measurements carry
// 100,000 copies of a few thousand agreement ids, KPI ids, user names and period dates. Interning
// keeps one of each. Rows are read-only, so sharing is safe. An interner serves one full load of a
// directory and is then dropped: its tables would cost more than the rows changed later would share.
import { Types } from 'mongoose';

/**
 * An id as a flat 24-character string, to keep as a map key. `String(id)` builds the hex string by
 * concatenating twelve pieces: V8 keeps it as a tree of 11 string nodes, 270 bytes a key instead of 40.
 */
export const idKey = (id: Types.ObjectId): string => Buffer.from(id.id).toString('hex');

/** Strings longer than this are seldom repeated (names, folded search text): kept as they come. */
const MAX_INTERNED_STRING = 64;

export class Interner {
  private readonly ids = new Map<string, Types.ObjectId>();
  private readonly dates = new Map<number, Date>();
  private readonly strings = new Map<string, string>();

  /** The row with its values shared with the other rows interned here (the row is changed in place). */
  row<T extends object>(row: T): T {
    const r = row as Record<string, unknown>;
    for (const key of Object.keys(r)) if (key !== '_id') r[key] = this.value(r[key]);
    return row;
  }

  private value(v: unknown): unknown {
    if (typeof v === 'string') return v.length > MAX_INTERNED_STRING ? v : this.shared(this.strings, v, v);
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Types.ObjectId) return this.shared(this.ids, idKey(v), v);
    if (v instanceof Date) return this.shared(this.dates, v.getTime(), v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.value(v[i]);
      return v;
    }
    // A subdocument (a KPI, a contact, a resource) keeps its own _id: only its values are shared.
    return this.row(v);
  }

  private shared<K, V>(table: Map<K, V>, key: K, v: V): V {
    const known = table.get(key);
    if (known !== undefined) return known;
    table.set(key, v);
    return v;
  }
}
