// Periodic clean-up of what expires (FerretDB has no TTL indexes): sessions, sign-in throttles, used tokens.
import mongoose from 'mongoose';
import { purgeExpiredThrottles } from './auth/throttle.js';
import { purgeExpiredClaims } from './db/claim.js';
import { purgeChanges } from './db/change-log.js';
import { UserTokenModel } from './users/tokens.model.js';

export async function purgeExpired(now = new Date()): Promise<void> {
  await mongoose.connection.collection('sessions').deleteMany({ expires: { $lt: now } });
  await purgeExpiredThrottles(now);
  await purgeExpiredClaims(now);
  await purgeChanges(now);
  await UserTokenModel.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - 30 * 86400_000) } });
}
