import { Schema, model } from 'mongoose';

// Single-use links (invitation, password reset): only the SHA-256 of the token is stored.
const tokenSchema = new Schema(
  {
    purpose: { type: String, enum: ['invite', 'reset'], required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
tokenSchema.index({ tokenHash: 1 }, { unique: true });
tokenSchema.index({ userId: 1, purpose: 1 });
tokenSchema.index({ expiresAt: 1 });

export const UserTokenModel = model('UserToken', tokenSchema);
