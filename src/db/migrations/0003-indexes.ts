// The indexes every model declares, built as a step of the schema rather than only as a side effect of a
// process connecting (connectDatabase still inits the models: creating an existing index is a no-op).
// Also run after a restore, whose collections come back without them.
import type { Migration } from './types.js';
import { ensureIndexes } from '../indexes.js';

export const modelIndexes: Migration = {
  name: '0003-indexes',
  async up({ context: { db } }) {
    await ensureIndexes(db);
  },
};
