import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { advanceHeadOnWrites } from '../db/change-log.js';
import { locales, roles } from './roles.js';

const userSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    role: { type: String, enum: roles, required: true, default: 'professional' },
    status: { type: String, enum: ['invited', 'active', 'deactivated'], required: true, default: 'invited' },
    locale: { type: String, enum: locales, required: true, default: 'fr' },
    timezone: { type: String, required: true, default: 'America/Toronto' },
    // Hours before a meeting to be reminded; null = the organization's MEETING_REMINDER_HOURS.
    meetingReminderHours: { type: Number, default: null, min: 0, max: 168 },
    // Kept out of every read by the service's explicit projection (no `select: false`: see ARCHITECTURE.md).
    passwordHash: { type: String, default: null },
    lastLoginAt: { type: Date, default: null },
    // Changed (to a new random value) when a password, role or status change must end the user's sessions:
    // each session keeps the value it was signed in with, and the per-request user load compares the two.
    sessionEpoch: { type: String, default: '' },
    invitedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ status: 1, name: 1 });
// The active users' list (every form's owner choice) is cached per change of the data.
advanceHeadOnWrites(userSchema);

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };
export const UserModel = model('User', userSchema);
