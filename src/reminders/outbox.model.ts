import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

import { outboxStates } from './constants.js';

export { outboxStates, type OutboxState } from './constants.js';

// Every reminder and follow-up is an outbox document first: the unique `key` (kind, subject,
// occurrence, recipient) makes enqueuing idempotent, and delivery claims one attempt at a time.
const outboxSchema = new Schema(
  {
    key: { type: String, required: true },
    kind: { type: String, required: true },
    subjectId: { type: String, default: '' },
    occurrence: { type: String, default: '' },
    to: { type: String, required: true },
    recipientName: { type: String, default: '' },
    recipientType: { type: String, enum: ['user', 'contact', 'address'], default: 'user' },
    userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', default: null },
    contactId: { type: Schema.Types.ObjectId, default: null },
    locale: { type: String, enum: ['fr', 'en'], default: 'fr' },
    subject: { type: String, required: true },
    html: { type: String, default: '' },
    text: { type: String, default: '' },
    headers: { type: Schema.Types.Mixed, default: {} },
    icalEvent: { type: { method: String, content: String }, default: null, _id: false },
    // Deterministic per entry: a resend after a crash carries the same Message-ID.
    messageId: { type: String, required: true },
    state: { type: String, enum: outboxStates, required: true, default: 'pending' },
    dueAt: { type: Date, required: true },
    // Past this moment the message is pointless (a meeting already over): skipped, not sent.
    expiresAt: { type: Date, default: null },
    nextAttemptAt: { type: Date, required: true },
    leaseUntil: { type: Date, default: null },
    attempts: { type: Number, default: 0 },
    maxAttempts: { type: Number, required: true },
    lastError: { type: String, default: '' },
    lastAttemptAt: { type: Date, default: null },
    sentAt: { type: Date, default: null },
    response: { type: String, default: '' },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
outboxSchema.index({ key: 1 }, { unique: true });
outboxSchema.index({ state: 1, nextAttemptAt: 1 });
outboxSchema.index({ createdAt: -1 });
outboxSchema.index({ state: 1, createdAt: -1 });
outboxSchema.index({ kind: 1, createdAt: -1 });
outboxSchema.index({ to: 1, createdAt: -1 });

export type OutboxDoc = InferSchemaType<typeof outboxSchema> & { _id: Types.ObjectId };
export const OutboxModel = model('OutboxMessage', outboxSchema);
