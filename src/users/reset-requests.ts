// "Forgot my password": the visitor's answer must not tell whether the address has an account, by
// its content or by its timing, and the form must not be a way to flood someone's mailbox.
// - What the visitor waits for is the same for every address: the per-client-address limit (one
//   count and one insert in the database). Everything that depends on the account (looking it up,
//   the link, rendering, the outbox, delivery) runs after the answer.
// - At most RESET_MAILS_PER_ACCOUNT mails per account and clock hour, held by claims (unique inserts:
//   exact across processes and on FerretDB); at most RESET_REQUESTS_PER_ADDRESS requests per client
//   address and sliding hour, whatever the email asked for (so the limit tells nothing either).
// - The mail goes through the outbox (retried with back-off if the SMTP server refuses it, skipped
//   once the link has expired) and is delivered at once by this process, not at the next tick.
import { claimOnce } from '../db/claim.js';
import { config } from '../config.js';
import { logger } from '../logger.js';
import { takeRateSlot } from '../auth/throttle.js';
import { enqueueMessage, outboxKey, type MessageInput } from '../reminders/enqueue.js';
import { deliverMessage } from '../reminders/deliver.js';
import { UserModel } from './model.js';
import { hashToken, issueToken, tokenLifetimeHours } from './tokens.js';
import { queuedMessageId } from '../reminders/outbox.js';

export const RESET_MAILS_PER_ACCOUNT = 3;
export const RESET_REQUESTS_PER_ADDRESS = 20;
const HOUR = 3600_000;

export type ResetRequestAnswer = { accepted: true } | { accepted: false; retryAt: Date };

const pending = new Set<Promise<void>>();

/** Resolves when the reset requests accepted so far have done their work (tests, graceful stop). */
export async function settleResetRequests(): Promise<void> {
  while (pending.size) await Promise.allSettled([...pending]);
}

/** Takes a reset request; the answer is the same whether or not an account uses the address. */
export async function requestPasswordReset(email: string, clientAddress: string, now = new Date()): Promise<ResetRequestAnswer> {
  const retryAt = await takeRateSlot(`reset-address:${clientAddress}`, RESET_REQUESTS_PER_ADDRESS, HOUR, now);
  if (retryAt) return { accepted: false, retryAt };
  // Not awaited, on purpose: see the top of this file.
  const work = sendResetMail(email.toLowerCase(), now)
    .catch((err: unknown) => logger.error({ err }, 'password reset request failed'))
    .finally(() => pending.delete(work));
  pending.add(work);
  return { accepted: true };
}

/** One of the account's mail slots for this hour, or false when they are all used. */
async function takeMailSlot(userId: string, now: Date): Promise<boolean> {
  const hour = Math.floor(now.getTime() / HOUR);
  for (let slot = 0; slot < RESET_MAILS_PER_ACCOUNT; slot++)
    if (await claimOnce(`reset-mail:${userId}:${hour}:${slot}`, new Date((hour + 2) * HOUR))) return true;
  return false;
}

async function sendResetMail(email: string, now: Date): Promise<void> {
  const user = await UserModel.findOne({ email, status: 'active' }, { name: 1, email: 1, locale: 1 }).lean();
  if (!user) return;
  if (!(await takeMailSlot(String(user._id), now))) {
    logger.info({ userId: String(user._id) }, 'password reset mail not sent: hourly limit for the account reached');
    return;
  }
  const token = await issueToken(user._id, 'reset', now);
  const message: MessageInput = {
    kind: 'password_reset',
    subjectId: String(user._id),
    occurrence: hashToken(token).slice(0, 16),
    to: { email: user.email, name: user.name, locale: user.locale, userId: user._id },
    template: 'reset',
    data: { link: `${config.baseUrl}/reset/${token}` },
    // A link past its lifetime is useless: the outbox skips the mail rather than send it late.
    expiresAt: new Date(now.getTime() + tokenLifetimeHours.reset * HOUR),
  };
  if ((await enqueueMessage(message, now)) !== 'created') return;
  const queued = await queuedMessageId(outboxKey(message));
  if (queued) await deliverMessage(queued, { now });
}
