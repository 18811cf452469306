import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { elements } from '../agreements/constants.js';

// A partner's review of a draft agreement: one document per agreement, its `_id` the agreement's,
// so the agreement page and the partner's link read it by `_id` (the embedded database scans any
// other filter). Partners' notes are appended ($push); decisions set one note by its index.
const invitationSchema = new Schema(
  {
    _id: { type: String, required: true }, // random, named by the signed link
    partnerId: { type: Schema.Types.ObjectId, required: true },
    contactId: { type: Schema.Types.ObjectId, required: true },
    contactName: { type: String, default: '' },
    sentByName: { type: String, default: '' },
    sentAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
  },
  { _id: false },
);

const noteSchema = new Schema(
  {
    _id: { type: String, required: true },
    element: { type: String, enum: elements, required: true },
    kind: { type: String, enum: ['comment', 'proposal'], required: true },
    text: { type: String, default: '', maxlength: 5000 }, // the comment, or why the text is proposed
    proposedText: { type: String, default: '', maxlength: 10000 },
    baseText: { type: String, default: '' }, // the element's text when it was proposed (the difference is against it)
    rev: { type: Number, required: true }, // the agreement's revision it was written on
    partnerId: { type: Schema.Types.ObjectId, required: true },
    contactId: { type: Schema.Types.ObjectId, required: true },
    byName: { type: String, default: '' },
    at: { type: Date, required: true },
    status: { type: String, enum: ['open', 'accepted', 'declined', 'resolved'], default: 'open' },
    decidedByName: { type: String, default: '' },
    decidedAt: { type: Date, default: null },
  },
  { _id: false },
);

/** "We agree with this version": by a contact, for a party, on one content of the agreement (text.ts contentFingerprint). */
const consentSchema = new Schema(
  {
    partnerId: { type: Schema.Types.ObjectId, required: true },
    contactId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true, maxlength: 200 },
    role: { type: String, default: '', maxlength: 200 },
    fingerprint: { type: String, required: true },
    rev: { type: Number, required: true }, // the revision it was read at (the versions page)
    at: { type: Date, required: true },
    resetNotifiedAt: { type: Date, default: null }, // told that the text changed since
  },
  { _id: false },
);

const reviewSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the agreement's id
    invitations: { type: [invitationSchema], default: [] },
    notes: { type: [noteSchema], default: [] },
    consents: { type: [consentSchema], default: [] },
  },
  { versionKey: false },
);

export type ReviewDoc = InferSchemaType<typeof reviewSchema> & { _id: Types.ObjectId };
export type ReviewNote = ReviewDoc['notes'][number];
export const AgreementReviewModel = model('AgreementReview', reviewSchema);
