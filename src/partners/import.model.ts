import { Schema, model } from 'mongoose';

export const importStatuses = ['preview', 'running', 'done', 'failed'] as const;

// A CSV import between its upload and its end: the file itself (re-read at each step), the column
// mapping, what the last check found, and the progress once running.
const importSchema = new Schema(
  {
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    fileName: { type: String, default: '' },
    csv: { type: String, required: true },
    headers: { type: [String], default: [] },
    mapping: { type: [String], default: [] },
    rowCount: { type: Number, default: 0 },
    partnerCount: { type: Number, default: 0 },
    // One entry per problem: the CSV line (1 = header), an i18n key, and the offending value.
    problems: { type: [{ line: Number, reason: String, value: String, _id: false }], default: [] },
    status: { type: String, enum: importStatuses, default: 'preview' },
    done: { type: Number, default: 0 },
    imported: { type: Number, default: 0 },
    failure: { type: String, default: '' },
    finishedAt: { type: Date, default: null },
    // While running: renewed every few seconds by the process doing it. A running import whose
    // heartbeat stopped was interrupted (a crash, a kill, a stop mid-way) and is rolled back.
    heartbeatAt: { type: Date, default: null },
    ownerHost: { type: String, default: '' },
    ownerPid: { type: Number, default: 0 },
    // Set when an interrupted import was rolled back: how far it had gone. It is a preview again.
    interruptedAt: { type: Date, default: null },
    interruptedDone: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'partner_imports' },
);
importSchema.index({ createdBy: 1, createdAt: -1 });

export const PartnerImportModel = model('PartnerImport', importSchema);
