// Delivery: each attempt of an outbox message is claimed by a unique insert (claimOnce) — atomic on
// MongoDB and on FerretDB, whose conditional updates are not — then marked 'sending' with a lease,
// sent through the pooled transport with its deterministic Message-ID, and marked sent. A process
// that dies mid-send leaves a lease that expires; the next attempt number gives a fresh claim key.
import { claimedAt, claimOnce } from '../db/claim.js';
import { config } from '../config.js';
import { logger } from '../logger.js';
import { mailer as defaultMailer, type Mailer } from '../mail/transport.js';
import { refusalsFor } from './consent.js';
import { OutboxModel, type OutboxDoc } from './outbox.model.js';

export interface DeliverOptions {
  now?: Date;
  /** Messages looked at per batch. */
  limit?: number;
  /** Sends in flight at once in this process. */
  concurrency?: number;
  /** How long a claimed attempt is ours before another process may retry it. */
  leaseMs?: number;
  mailer?: Mailer;
}

export interface DeliverReport {
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
  lost: number; // attempts claimed by another process first
}

export const DEFAULT_LEASE_MS = 120_000;
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_MAX_MS = 6 * 3600_000;

/** Delay before attempt n+1 after n failed attempts: 1, 2, 4, 8… minutes, at most 6 hours. */
export const backoffMs = (attempts: number): number => Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);

type Due = Pick<OutboxDoc, '_id' | 'attempts'>;

/**
 * Claims one attempt of a message for this process. A live claimant moves the message to 'sending'
 * within a database round trip; a claim older than the lease whose message is still waiting belongs
 * to a process that died in between, and the attempt is taken over (by exactly one process, again
 * through a unique insert) — otherwise that message would wait for ever.
 */
async function claimAttempt(key: string, expiresAt: Date, leaseMs: number): Promise<boolean> {
  for (let takeover = 0; takeover < 5; takeover++) {
    const k = takeover ? `${key}:takeover:${takeover}` : key;
    if (await claimOnce(k, expiresAt)) return true;
    const at = await claimedAt(k);
    if (at && Date.now() - at.getTime() < leaseMs) return false;
  }
  return false;
}

function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

const errorText = (err: unknown): string => {
  const e = err as { responseCode?: number; code?: string; message?: string };
  return [e.responseCode, e.code, e.message].filter(Boolean).join(' ').slice(0, 1000);
};

async function attempt(due: Due, now: Date, leaseMs: number, mail: Mailer, report: DeliverReport): Promise<void> {
  const n = due.attempts;
  if (!(await claimAttempt(`outbox:${String(due._id)}:attempt:${n}`, new Date(now.getTime() + 7 * 86400_000), leaseMs))) {
    report.lost += 1;
    return;
  }
  // Ours: re-read, in case what we listed was stale.
  const msg = await OutboxModel.findById(due._id).lean();
  if (!msg || msg.attempts !== n || !['pending', 'sending'].includes(msg.state)) {
    report.lost += 1;
    return;
  }
  if (msg.expiresAt && msg.expiresAt.getTime() <= now.getTime()) {
    await OutboxModel.updateOne({ _id: msg._id }, { $set: { state: 'skipped', leaseUntil: null, lastAttemptAt: now } });
    report.skipped += 1;
    return;
  }
  // A contact who opted out (or whose consent was withdrawn) since the message was enqueued.
  const [refused] =
    msg.recipientType === 'contact' && msg.partnerId && msg.contactId
      ? await refusalsFor([{ kind: msg.kind, subjectId: msg.subjectId, partnerId: msg.partnerId, contactId: msg.contactId }])
      : [null];
  if (refused) {
    await OutboxModel.updateOne({ _id: msg._id }, { $set: { state: 'skipped', leaseUntil: null, lastAttemptAt: now, lastError: refused } });
    report.skipped += 1;
    return;
  }
  const leaseUntil = new Date(now.getTime() + leaseMs);
  await OutboxModel.updateOne(
    { _id: msg._id },
    { $set: { state: 'sending', attempts: n + 1, leaseUntil, nextAttemptAt: leaseUntil, lastAttemptAt: now } },
  );
  try {
    const info = await mail.send({
      to: msg.to,
      subject: msg.subject,
      html: msg.html,
      text: msg.text,
      headers: (msg.headers ?? {}) as Record<string, string>,
      messageId: msg.messageId,
      ...(msg.icalEvent?.content ? { icalEvent: { method: msg.icalEvent.method!, content: msg.icalEvent.content } } : {}),
    });
    await OutboxModel.updateOne(
      { _id: msg._id },
      {
        $set: {
          state: 'sent',
          sentAt: new Date(Math.max(now.getTime(), Date.now())),
          response: info.response,
          leaseUntil: null,
          lastError: '',
        },
      },
    );
    report.sent += 1;
  } catch (err) {
    const exhausted = isPermanent(err) || n + 1 >= msg.maxAttempts;
    await OutboxModel.updateOne(
      { _id: msg._id },
      {
        $set: {
          state: exhausted ? 'failed' : 'pending',
          lastError: errorText(err),
          leaseUntil: null,
          nextAttemptAt: new Date(now.getTime() + backoffMs(n + 1)),
        },
      },
    );
    if (exhausted) report.failed += 1;
    else report.retried += 1;
    logger.warn({ err: errorText(err), outboxId: String(msg._id), attempt: n + 1, exhausted }, 'mail delivery failed');
  }
}

/** One batch: the messages due now, each attempted by exactly one process. */
export async function deliverDue(opts: DeliverOptions = {}): Promise<DeliverReport> {
  const now = opts.now ?? new Date();
  const report: DeliverReport = { sent: 0, retried: 0, failed: 0, skipped: 0, lost: 0 };
  const due: Due[] = await OutboxModel.find({ state: { $in: ['pending', 'sending'] }, nextAttemptAt: { $lte: now } }, { attempts: 1 })
    .sort({ nextAttemptAt: 1 })
    .limit(opts.limit ?? 100)
    .lean();
  // Several instances list the same batch: a shuffle spreads them over it instead of racing in step.
  for (let i = due.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [due[i], due[j]] = [due[j]!, due[i]!];
  }
  const mail = opts.mailer ?? defaultMailer();
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  let next = 0;
  const lanes = Array.from({ length: Math.min(opts.concurrency ?? 5, due.length) }, async () => {
    while (next < due.length) await attempt(due[next++]!, opts.now ?? new Date(), leaseMs, mail, report);
  });
  await Promise.all(lanes);
  return report;
}

/** Batches until nothing due is left for this process (bounded), as the tick does. */
export async function deliverUntilIdle(opts: DeliverOptions & { maxBatches?: number } = {}): Promise<DeliverReport> {
  const total: DeliverReport = { sent: 0, retried: 0, failed: 0, skipped: 0, lost: 0 };
  for (let i = 0; i < (opts.maxBatches ?? 50); i++) {
    const r = await deliverDue(opts);
    for (const k of Object.keys(total) as (keyof DeliverReport)[]) total[k] += r[k];
    if (r.sent + r.retried + r.failed + r.skipped + r.lost === 0) break;
  }
  return total;
}

/** Administrator's resend of a failed message: a fresh budget of attempts, due now. */
export async function resendFailed(id: OutboxDoc['_id'], now = new Date()): Promise<boolean> {
  const msg = await OutboxModel.findById(id, { state: 1, attempts: 1 }).lean();
  if (!msg || msg.state !== 'failed') return false;
  await OutboxModel.updateOne(
    { _id: id, state: 'failed' },
    { $set: { state: 'pending', nextAttemptAt: now, maxAttempts: msg.attempts + config.reminders.maxAttempts } },
  );
  return true;
}

/** Delivers one message now if it is due (account mail someone is waiting for), through the same claim as the tick. */
export async function deliverMessage(id: OutboxDoc['_id'], opts: DeliverOptions = {}): Promise<DeliverReport> {
  const now = opts.now ?? new Date();
  const report: DeliverReport = { sent: 0, retried: 0, failed: 0, skipped: 0, lost: 0 };
  // By _id alone (FerretDB answers that from its index); the state is checked here.
  const msg = await OutboxModel.findById(id, { attempts: 1, state: 1, nextAttemptAt: 1 }).lean();
  if (msg && msg.state === 'pending' && msg.nextAttemptAt.getTime() <= now.getTime())
    await attempt(msg, now, opts.leaseMs ?? DEFAULT_LEASE_MS, opts.mailer ?? defaultMailer(), report);
  return report;
}
