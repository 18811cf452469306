// Duplicate detection: another record of the same organization (same name or website, case and
// accents aside), with the professional who owns it — a partner someone already works with, shown
// when it is identified again and on both records' pages, so the two people coordinate.
import type { Types } from 'mongoose';
import { userNameRecord } from '../users/people.js';
import { partnersNamedOrAt } from './directory.js';
import { PartnerModel } from './model.js';
import { derivedFields } from './derived.js';

/** Partners whose name or website matches, ignoring case and accents: at most 5, each with its owner's name. */
export async function findDuplicates(name: string, website = '', exceptId?: Types.ObjectId) {
  const d = derivedFields({ name, website, contacts: [], resources: [] });
  const found = (await partnersNamedOrAt([d.nameFolded], [d.websiteFolded]))
    .filter((p) => !exceptId || !p._id.equals(exceptId))
    .slice(0, 5);
  // The website to show them by: each read by _id (the one lookup the embedded database answers without a scan).
  const docs = (
    await Promise.all(found.map((p) => PartnerModel.findById(p._id, { name: 1, website: 1, archived: 1, ownerId: 1 }).lean()))
  ).filter((p) => p !== null);
  const owners = await userNameRecord(docs.map((p) => p.ownerId));
  return docs.map((p) => ({ ...p, ownerName: owners[String(p.ownerId)] ?? '' }));
}
