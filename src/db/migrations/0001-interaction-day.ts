// Interactions became calendar days (`day`, YYYY-MM-DD): older ones only had `date`, stored at noon UTC
// of the day the form named, so that day is the UTC date of `date`.
import type { Migration } from './types.js';

export const interactionDay: Migration = {
  name: '0001-interaction-day',
  async up({ context: { db } }) {
    const coll = db.collection('partnerinteractions');
    const rows = await coll.find({ $or: [{ day: null }, { day: { $exists: false } }] }, { projection: { date: 1 } }).toArray();
    for (const r of rows) {
      const date = r.date as Date | null | undefined;
      if (date instanceof Date) await coll.updateOne({ _id: r._id }, { $set: { day: date.toISOString().slice(0, 10) } });
    }
  },
  async down({ context: { db } }) {
    await db.collection('partnerinteractions').updateMany({}, { $unset: { day: '' } });
  },
};
