// The outbox as the admin page and other features read it: a page of messages, one message by _id,
// the message an enqueue created.
import type { Types } from 'mongoose';
import { OutboxModel } from './outbox.model.js';

/** One page of messages, newest first, without their bodies, and how many match. */
export async function outboxPage(filter: { state?: string; kind?: string; to?: string }, page: { page: number; perPage: number }) {
  const q: Record<string, unknown> = {};
  if (filter.state) q.state = filter.state;
  if (filter.kind) q.kind = filter.kind;
  if (filter.to) q.to = filter.to.toLowerCase();
  const [items, total] = await Promise.all([
    OutboxModel.find(q, { html: 0, text: 0, icalEvent: 0, headers: 0 })
      .sort({ createdAt: -1 })
      .skip((page.page - 1) * page.perPage)
      .limit(page.perPage)
      .lean(),
    OutboxModel.countDocuments(q),
  ]);
  return { items, total };
}

export const outboxMessageExists = (id: Types.ObjectId) => OutboxModel.exists({ _id: id });

/** The id of the message stored under this outbox key, or null. */
export const queuedMessageId = async (key: string): Promise<Types.ObjectId | null> =>
  (await OutboxModel.findOne({ key }, { _id: 1 }).lean())?._id ?? null;
