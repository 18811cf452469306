import crypto from 'node:crypto';
import type { Types } from 'mongoose';
import { claimOnce } from '../db/claim.js';
import { UserTokenModel } from './tokens.model.js';

export type TokenPurpose = 'invite' | 'reset';
export const tokenLifetimeHours: Record<TokenPurpose, number> = { invite: 72, reset: 1 };

export const hashToken = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

export async function issueToken(userId: Types.ObjectId, purpose: TokenPurpose, now = new Date()): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  const issued = await UserTokenModel.create({
    purpose,
    userId,
    tokenHash: hashToken(token),
    expiresAt: new Date(now.getTime() + tokenLifetimeHours[purpose] * 3600_000),
  });
  // A new link replaces every earlier unused one for the same purpose. With several issued at the same
  // moment, "retire the others, then insert" leaves several live. Ids grow in the order links are
  // made, so after inserting, each retires the older ones and then itself if a newer one exists: of
  // any two, the newer's retiring or the older's look must see the other, so one stays, the newest.
  const live = { userId, purpose, usedAt: null };
  const retire = { $set: { usedAt: now } };
  await UserTokenModel.updateMany({ ...live, _id: { $lt: issued._id } }, retire);
  if (await UserTokenModel.exists({ ...live, _id: { $gt: issued._id } })) await UserTokenModel.updateOne({ _id: issued._id }, retire);
  return token;
}

/** Finds a live token without using it (to show the form). */
export async function peekToken(token: string, purpose: TokenPurpose, now = new Date()) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  return UserTokenModel.findOne({ tokenHash: hashToken(token), purpose, usedAt: null, expiresAt: { $gt: now } }).lean();
}

/** Uses a token atomically: of two concurrent submissions, only one gets the user id. */
export async function consumeToken(token: string, purpose: TokenPurpose, now = new Date()): Promise<Types.ObjectId | null> {
  const live = await peekToken(token, purpose, now);
  if (!live) return null;
  // The claim, not the update, decides the single winner (see db/claim.ts).
  if (!(await claimOnce(`token:${live.tokenHash}`, new Date(live.expiresAt.getTime() + 86400_000)))) return null;
  await UserTokenModel.updateOne({ _id: live._id }, { $set: { usedAt: now } });
  return live.userId;
}
