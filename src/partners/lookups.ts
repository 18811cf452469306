// What other features read of partners outside the directories: a partner by _id, the pickers, the
// quiet partnerships of the reminders. Each is the one query its page or job made before.
import type { Types } from 'mongoose';
import { PartnerModel } from './model.js';

type Id = Types.ObjectId | string;

/** Whether a partner by this id exists: the route's 404 before its form. */
export const partnerExists = (id: Types.ObjectId) => PartnerModel.exists({ _id: id });

/** How many of these partners exist and are not archived. */
export const countLivePartners = (ids: Types.ObjectId[]): Promise<number> =>
  PartnerModel.countDocuments({ _id: { $in: ids }, archived: false });

/** A partner's name, or null when it does not exist. */
export const partnerName = (id: Id) => PartnerModel.findById(id, { name: 1 }).lean();

/** A partner's owner and name (who may write it), or null. */
export const partnerOwner = (id: Id) => PartnerModel.findById(id, { ownerId: 1, name: 1 }).lean();

/** The partners a meeting form offers (not archived, by name, at most 500), with their contacts. */
export const partnerOptionsWithContacts = () =>
  PartnerModel.find({ archived: false }, { name: 1, contacts: 1 }).sort({ nameFolded: 1 }).limit(500).lean();

/** Active partnerships with no activity since `before` (at most `limit`). */
export const quietPartners = (before: Date, limit: number) =>
  PartnerModel.find({ stage: 'active', archived: false, lastActivityAt: { $lt: before } }, { name: 1, ownerId: 1, lastActivityAt: 1 })
    .limit(limit)
    .lean();
