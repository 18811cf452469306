// An atomic "first one wins" that holds on MongoDB and on FerretDB 1.24 alike. FerretDB's conditional
// updates are not atomic across connections (several concurrent updateOne({ _id, used: false }) all
// report a modification; findOneAndUpdate likewise), but a unique-key insert is: exactly one succeeds.
import { Schema, model } from 'mongoose';

const claimSchema = new Schema(
  { _id: { type: String, required: true }, at: { type: Date, default: () => new Date() }, expiresAt: { type: Date, default: null } },
  { versionKey: false },
);
claimSchema.index({ expiresAt: 1 });
const ClaimModel = model('Claim', claimSchema);

const isDuplicate = (err: unknown): boolean => (err as { code?: number }).code === 11000;

/** True for exactly one caller per key, across processes. */
export async function claimOnce(key: string, expiresAt: Date | null = null): Promise<boolean> {
  try {
    await ClaimModel.create({ _id: key, expiresAt });
    return true;
  } catch (err) {
    if (isDuplicate(err)) return false;
    throw err;
  }
}

/** When a key was claimed (the claimant's clock), or null if it was not. */
export async function claimedAt(key: string): Promise<Date | null> {
  return (await ClaimModel.findById(key, { at: 1 }).lean())?.at ?? null;
}

export async function releaseClaim(key: string): Promise<void> {
  await ClaimModel.deleteOne({ _id: key });
}

export async function purgeExpiredClaims(now = new Date()): Promise<void> {
  await ClaimModel.deleteMany({ expiresAt: { $ne: null, $lt: now } });
}
