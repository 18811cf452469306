// Every loaded model's declared indexes, created on a given database through the native driver (so a
// restore into another database, or a migration, builds them too). Only single-field and compound
// indexes, optionally unique (FerretDB 1.24's set).
import mongoose from 'mongoose';
import type { Db, IndexSpecification, CreateIndexesOptions } from 'mongodb';

export async function ensureIndexes(db: Db): Promise<number> {
  let made = 0;
  for (const m of Object.values(mongoose.models)) {
    const coll = db.collection(m.collection.collectionName);
    for (const [fields, options] of m.schema.indexes()) {
      const { background: _b, ...rest } = (options ?? {}) as CreateIndexesOptions & { background?: boolean };
      await coll.createIndex(fields as IndexSpecification, rest);
      made += 1;
    }
  }
  return made;
}
