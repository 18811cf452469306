// FerretDB 1.24 (SQLite) deletes the documents a filter matches with one SQL statement holding one
// variable per document, and SQLite refuses more than 32,766 ("too many SQL variables"): large
// deletions go by chunks of ids.
import type { Types } from 'mongoose';

const CHUNK = 1000;

export async function deleteByIds(
  model: { deleteMany(filter: Record<string, unknown>): PromiseLike<unknown> },
  ids: readonly Types.ObjectId[],
  field = '_id',
  extra: Record<string, unknown> = {},
): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) await model.deleteMany({ ...extra, [field]: { $in: ids.slice(i, i + CHUNK) } });
}
