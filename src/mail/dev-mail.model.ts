import { Schema, model } from 'mongoose';

// Without SMTP_URL, mail lands here so a new user can read in the app what would have been sent.
const devMailSchema = new Schema({
  at: { type: Date, required: true, default: () => new Date() },
  messageId: { type: String, required: true },
  from: { type: String, required: true },
  to: { type: [String], required: true },
  subject: { type: String, required: true },
  html: { type: String, default: '' },
  text: { type: String, default: '' },
  headers: { type: Schema.Types.Mixed, default: {} },
  attachments: { type: [{ filename: String, contentType: String, content: String, _id: false }], default: [] },
});
devMailSchema.index({ at: -1 });
devMailSchema.index({ messageId: 1 }, { unique: true });

export const DevMailModel = model('DevMail', devMailSchema);
