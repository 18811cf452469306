// Enqueuing: a message becomes an outbox document (rendered in the recipient's language) under a
// unique key; enqueuing the same (kind, subject, occurrence, recipient) again creates nothing.
import { Types } from 'mongoose';
import { config } from '../config.js';
import { renderEmail } from '../mail/render.js';
import { newMessageId } from '../mail/transport.js';
import type { Locale } from '../users/roles.js';
import { refusalsFor, type ContactRefusal } from './consent.js';
import { optOutUrl } from './links.js';
import { OutboxModel } from './outbox.model.js';

export interface Recipient {
  email: string;
  name: string;
  locale: Locale;
  userId?: Types.ObjectId | null;
  /**
   * A partner contact: sent only as consent.ts allows (looked up when enqueued and when delivered);
   * the message carries an opt-out link and List-Unsubscribe header.
   */
  partnerId?: Types.ObjectId | null;
  contactId?: Types.ObjectId | null;
}

export interface MessageInput {
  kind: string;
  subjectId: string;
  /** What makes this message distinct from earlier ones of the same kind and subject (a due date, a week). */
  occurrence: string;
  to: Recipient;
  /** views/emails/<template>.{html,text}.ejs; the kind by default. */
  template?: string;
  data: Record<string, unknown>;
  dueAt?: Date;
  expiresAt?: Date | null;
  icalEvent?: { method: 'REQUEST' | 'CANCEL'; content: string };
  /** Extra template data, computed only when the message is new (say, a signed link's record). */
  prepare?: () => Promise<Record<string, unknown>>;
}

export type EnqueueResult = 'created' | 'exists' | ContactRefusal;

export const outboxKey = (m: Pick<MessageInput, 'kind' | 'subjectId' | 'occurrence' | 'to'>): string =>
  `${m.kind}:${m.subjectId}:${m.occurrence}:${m.to.email.trim().toLowerCase()}`;

let indexesReady: Promise<unknown> | undefined;
/** The unique key index must exist before the first concurrent insert. */
export const ensureOutboxIndexes = (): Promise<unknown> => (indexesReady ??= OutboxModel.init());

async function insert(m: MessageInput, key: string, now: Date): Promise<EnqueueResult> {
  const extra = m.prepare ? await m.prepare() : {};
  const isContact = Boolean(m.to.contactId && m.to.partnerId);
  const unsubscribe = isContact ? optOutUrl(String(m.to.partnerId), String(m.to.contactId), now) : '';
  const data = { name: m.to.name, baseUrl: config.baseUrl, ...m.data, ...extra, optOutUrl: unsubscribe };
  const rendered = await renderEmail(m.template ?? m.kind, m.to.locale, data);
  const _id = new Types.ObjectId();
  const dueAt = m.dueAt ?? now;
  try {
    await OutboxModel.create({
      _id,
      key,
      kind: m.kind,
      subjectId: m.subjectId,
      occurrence: m.occurrence,
      to: m.to.email.trim().toLowerCase(),
      recipientName: m.to.name,
      recipientType: isContact ? 'contact' : m.to.userId ? 'user' : 'address',
      userId: m.to.userId ?? null,
      partnerId: m.to.partnerId ?? null,
      contactId: m.to.contactId ?? null,
      locale: m.to.locale,
      ...rendered,
      headers: unsubscribe ? { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
      icalEvent: m.icalEvent ?? null,
      messageId: newMessageId(`outbox-${String(_id)}`),
      state: 'pending',
      dueAt,
      expiresAt: m.expiresAt ?? null,
      nextAttemptAt: dueAt,
      maxAttempts: config.reminders.maxAttempts,
      createdAt: now,
    });
    return 'created';
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return 'exists';
    throw err;
  }
}

/** Puts one message in the outbox, once (meetings call this directly for invitations). */
export async function enqueueMessage(m: MessageInput, now = new Date()): Promise<EnqueueResult> {
  return (await enqueueMessages([m], now))[0]!;
}

/** Puts messages in the outbox; those already there (same key) are left alone without rendering. */
export async function enqueueMessages(list: MessageInput[], now = new Date()): Promise<EnqueueResult[]> {
  await ensureOutboxIndexes();
  const keys = list.map(outboxKey);
  const existing = new Set(keys.length ? (await OutboxModel.find({ key: { $in: keys } }, { key: 1 }).lean()).map((d) => d.key) : []);
  const forContacts = list.flatMap((m, i) =>
    m.to.partnerId && m.to.contactId && !existing.has(keys[i]!)
      ? [{ i, kind: m.kind, subjectId: m.subjectId, partnerId: m.to.partnerId, contactId: m.to.contactId }]
      : [],
  );
  const refusals = new Map((await refusalsFor(forContacts)).map((r, j) => [forContacts[j]!.i, r]));
  const results: EnqueueResult[] = [];
  for (const [i, m] of list.entries()) {
    const key = keys[i]!;
    const refused = refusals.get(i);
    if (!m.to.email) results.push('no_address');
    else if (existing.has(key)) results.push('exists');
    else if (refused) results.push(refused);
    else {
      existing.add(key);
      results.push(await insert(m, key, now));
    }
  }
  return results;
}
