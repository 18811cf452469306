import type { ObjectId } from 'mongodb';
// The partner list's read path searches and groups on derived copies (accent-folded name, website and
// search text, resource categories) that partners written before them lack: computed here with the
// same function every write uses. No down: the copies are derived, harmless to keep.
import { derivedFields } from '../../partners/derived.js';
import type { Migration } from './types.js';

type Stored = {
  name?: string;
  website?: string | null;
  contacts?: { name?: string; email?: string | null }[];
  resources?: { category?: string }[];
};

export const partnerFoldedFields: Migration = {
  name: '0002-partner-folded-fields',
  async up({ context: { db } }) {
    const coll = db.collection('partners');
    const missing = {
      $or: [
        { nameFolded: { $exists: false } },
        { searchFolded: { $exists: false } },
        { websiteFolded: { $exists: false } },
        { resourceCategories: { $exists: false } },
      ],
    };
    const rows = await coll.find(missing, { projection: { name: 1, website: 1, contacts: 1, resources: 1 } }).toArray();
    for (const r of rows as unknown as (Stored & { _id: ObjectId })[]) {
      const fields = derivedFields({
        name: r.name ?? '',
        website: r.website ?? '',
        contacts: (r.contacts ?? []).map((c) => ({ name: c.name ?? '', email: c.email ?? '' })),
        resources: (r.resources ?? []).map((x) => ({ category: x.category ?? '' })),
      });
      await coll.updateOne({ _id: r._id }, { $set: fields });
    }
  },
};
