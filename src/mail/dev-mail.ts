// The development outbox's pages: one page of stored messages, a message, its HTML body.
import type { Types } from 'mongoose';
import { DevMailModel } from './dev-mail.model.js';

export async function devMailPage(page: { page: number; perPage: number }) {
  const [items, total] = await Promise.all([
    DevMailModel.find({}, { html: 0, text: 0, attachments: 0 })
      .sort({ at: -1 })
      .skip((page.page - 1) * page.perPage)
      .limit(page.perPage)
      .lean(),
    DevMailModel.countDocuments({}),
  ]);
  return { items, total };
}

export const devMail = (id: Types.ObjectId) => DevMailModel.findById(id).lean();
export const devMailHtml = (id: Types.ObjectId) => DevMailModel.findById(id, { html: 1 }).lean();
