// The ownership fixture's records of the features built on an agreement: the draft's review (a link
// sent to the contact, and the contact's open comment, as `inv1` and `note1`), an open blocker, and
// an expired agreement (its retrospective form).
import type { Types } from 'mongoose';
import { AgreementReviewModel } from '../../src/reviews/model.js';
import { BlockerModel } from '../../src/blockers/model.js';
import { AgreementModel } from '../../src/agreements/model.js';
import type { TestUser } from './app.js';

export async function agreementRecords(
  a: TestUser,
  agreementId: Types.ObjectId,
  partnerId: Types.ObjectId,
  contact: { _id: Types.ObjectId; name: string },
): Promise<{ blocker: Types.ObjectId; ended: Types.ObjectId }> {
  const blocker = await BlockerModel.create({
    agreementId,
    what: 'Rooms closed',
    source: 'agreement',
    raisedAt: new Date(),
    raisedById: a._id,
    raisedByName: a.name,
  });
  const sentAt = new Date();
  await AgreementReviewModel.create({
    _id: agreementId,
    invitations: [
      { _id: 'inv1', partnerId, contactId: contact._id, contactName: contact.name, sentAt, expiresAt: new Date(Date.now() + 86400_000) },
    ],
    notes: [{ _id: 'note1', element: 'purpose', kind: 'comment', text: 'Clearer', rev: 0, partnerId, contactId: contact._id, at: sentAt }],
  });
  const ended = await AgreementModel.create({ title: 'Ended', partnerIds: [partnerId], ownerId: a._id, status: 'expired' });
  return { blocker: blocker._id, ended: ended._id };
}
