// A list query written once, as a MongoDB filter and a MongoDB sort, and answered two ways: in
// memory over a directory's rows (sift evaluates the filter with MongoDB's query semantics), or by
// the database (the CSV exports stream from it). The parity suite holds the two to the same answer.
import siftModule from 'sift';
import type * as SiftLib from 'sift';
import { Types, type Model } from 'mongoose';

// sift is CommonJS: its module.exports is the function, with the library's parts as properties;
// under NodeNext TypeScript types a default import as the whole module, hence the cast.
const sift = siftModule as unknown as typeof SiftLib & { default: typeof SiftLib.default.default };
type SiftOptions = Parameters<typeof SiftLib.$in>[2];

/**
 * sift's operations, but an $in over ObjectIds (a partner type's partners: thousands) tests each
 * value against a Set instead of against every id in turn. Same semantics: an array field matches
 * when one of its elements is in the list.
 */
const operations = {
  $in(params: unknown, ownerQuery: SiftLib.Query<unknown>, options: SiftOptions, name: string) {
    if (Array.isArray(params) && params.length > 8 && params.every((p) => p instanceof Types.ObjectId)) {
      const ids = new Set(params.map(String));
      return sift.createEqualsOperation((v: unknown) => v instanceof Types.ObjectId && ids.has(v.toHexString()), ownerQuery, options);
    }
    return sift.$in(params, ownerQuery, options, name);
  },
};

export type Filter = Record<string, unknown>;

/**
 * A MongoDB sort, except that the first key may give an explicit order of its values (the stages of
 * the pipeline, say) where MongoDB would sort them alphabetically: `{ stage: stages, nameFolded: 1 }`.
 */
export type SortSpec = Readonly<Record<string, 1 | -1 | readonly string[]>>;

/** The filter as a test on one row, with MongoDB's semantics (arrays, ObjectIds, dates, $in, $or, $regex…). */
export const matcher = <T>(filter: Filter): ((row: T) => boolean) =>
  sift.default(filter, { operations: operations as unknown as SiftOptions['operations'] }) as (row: T) => boolean;

/** A comparable form of a value as MongoDB orders it within one type (ObjectIds by their bytes: the hex string). */
function comparable(v: unknown): number | string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Types.ObjectId) return v.toHexString();
  return JSON.stringify(v);
}

const valueAt = (row: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), row);

/**
 * The sort as a comparator over rows (missing values first, as MongoDB sorts null and absent first).
 * Each key's reading is prepared once: a directory's sorted view compares hundreds of thousands of pairs.
 */
export function comparatorOf<T>(sort: SortSpec): (a: T, b: T) => number {
  const keys = Object.entries(sort).map(([path, dir]) => {
    const get = path.includes('.') ? (row: unknown) => valueAt(row, path) : (row: unknown) => (row as Record<string, unknown>)[path];
    if (Array.isArray(dir)) {
      const rank = new Map((dir as readonly string[]).map((v, i) => [v, i]));
      return { read: (row: unknown) => rank.get(String(get(row))) ?? -1, dir: 1 };
    }
    return { read: (row: unknown) => comparable(get(row)), dir: dir as number };
  });
  return (a, b) => {
    for (const { read, dir } of keys) {
      const x = read(a);
      const y = read(b);
      if (x === y) continue;
      return (x === null ? -1 : y === null ? 1 : x < y ? -1 : 1) * dir;
    }
    return 0;
  };
}

export interface Page {
  page: number;
  perPage: number;
}

/**
 * The same query sent to the database, as a stream of lean documents in the sort's order. An explicit
 * order on the first key is one query per value, in that order (MongoDB cannot sort by a list).
 */
export async function* findSorted<D>(
  model: Model<D>,
  filter: Filter,
  sort: SortSpec,
  projection?: Record<string, 0 | 1>,
): AsyncGenerator<D> {
  const [first, ...rest] = Object.entries(sort);
  const parts: [Filter, Record<string, 1 | -1>][] =
    first && Array.isArray(first[1])
      ? (first[1] as readonly string[]).map((v) => [
          { $and: [filter, { [first[0]]: v }] },
          Object.fromEntries(rest) as Record<string, 1 | -1>,
        ])
      : [[filter, sort as Record<string, 1 | -1>]];
  for (const [f, s] of parts) {
    for await (const d of model.find(f, projection).sort(s).lean<D>().cursor({ batchSize: 500 })) yield d as D;
  }
}
