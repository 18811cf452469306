// Sign-in throttling per account and per IP that survives a restart. rate-limiter-flexible's Mongo
// store needs a TTL index and atomic $inc, neither of which FerretDB 1.24 gives, so failures are
// recorded as inserted documents and counted over a sliding window.
import { config } from '../config.js';
import { LoginFailureModel, RateEventModel } from './throttle.model.js';

const IP_FACTOR = 4; // one address may mistype a few accounts before it is blocked as a whole

const keysFor = (email: string, ip: string) => [
  { key: `account:${email.toLowerCase()}`, max: config.login.maxAttempts },
  { key: `ip:${ip}`, max: config.login.maxAttempts * IP_FACTOR },
];
const windowMs = () => config.login.blockMinutes * 60_000;

/** When sign-in is blocked for this account or address, the time it opens again. */
export async function blockedUntil(email: string, ip: string, now = new Date()): Promise<Date | null> {
  const since = new Date(now.getTime() - windowMs());
  let until: Date | null = null;
  for (const { key, max } of keysFor(email, ip)) {
    const recent = await LoginFailureModel.find({ key, at: { $gt: since } }, { at: 1 })
      .sort({ at: -1 })
      .limit(max)
      .lean();
    if (recent.length < max) continue;
    // Blocked until the oldest of the last `max` failures leaves the window.
    const opens = new Date(recent[max - 1]!.at.getTime() + windowMs());
    if (opens > now && (!until || opens > until)) until = opens;
  }
  return until;
}

export async function recordFailure(email: string, ip: string, now = new Date()): Promise<void> {
  await LoginFailureModel.insertMany(keysFor(email, ip).map(({ key }) => ({ key, at: now })));
}

export async function clearFailures(email: string): Promise<void> {
  await LoginFailureModel.deleteMany({ key: `account:${email.toLowerCase()}` });
}

export async function purgeExpiredThrottles(now = new Date()): Promise<void> {
  await LoginFailureModel.deleteMany({ at: { $lt: new Date(now.getTime() - windowMs()) } });
  await RateEventModel.deleteMany({ expiresAt: { $lt: now } });
}

/**
 * A sliding-window limit of `max` events per `windowMs` for a key, across instances: when the limit
 * is reached, the time it opens again; otherwise the event is recorded and null returned. Concurrent
 * callers may together pass a few over the limit (counted, not claimed): fine for an address limit.
 */
export async function takeRateSlot(key: string, max: number, windowMs: number, now = new Date()): Promise<Date | null> {
  const since = new Date(now.getTime() - windowMs);
  const recent = await RateEventModel.find({ key, at: { $gt: since } }, { at: 1 })
    .sort({ at: -1 })
    .limit(max)
    .lean();
  if (recent.length >= max) return new Date(recent[max - 1]!.at.getTime() + windowMs);
  await RateEventModel.create({ key, at: now, expiresAt: new Date(now.getTime() + windowMs) });
  return null;
}
