// Documents attached to records: one metadata document per file (`documents`) and its content in
// chunks of our own (`document_chunks`), each chunk's `_id` being `${fileId}:${n}`, so a download
// reads its chunks by `_id` alone: FerretDB 1.24 reads the whole collection for any other filter.
import { Schema, model, type InferSchemaType } from 'mongoose';
import { advanceHeadOnWrites } from '../db/change-log.js';

export const recordKinds = ['partner', 'agreement', 'meeting', 'check'] as const;
export type RecordKind = (typeof recordKinds)[number];

/** 255 KB, like GridFS: a chunk is one small document, well under the 16 MB document limit. */
export const CHUNK_BYTES = 255 * 1024;

const documentSchema = new Schema(
  {
    recordKind: { type: String, enum: recordKinds, required: true },
    recordId: { type: Schema.Types.ObjectId, required: true },
    /** A meeting occurrence's start (ISO), when the record is one occurrence of a series; else ''. */
    occurrence: { type: String, default: '' },
    name: { type: String, required: true },
    size: { type: Number, required: true, default: 0 },
    /** Sniffed from the content, never taken from the name or the browser. */
    type: { type: String, required: true, default: 'application/octet-stream' },
    sha256: { type: String, default: '' },
    chunks: { type: Number, required: true, default: 0 },
    status: { type: String, enum: ['uploading', 'complete'], required: true, default: 'uploading' },
    uploadedById: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    uploadedByName: { type: String, default: '' },
    uploadedAt: { type: Date, required: true, default: () => new Date() },
    archivedAt: { type: Date, default: null },
    archivedById: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    /** Listed, and downloadable, on the record's shared page. */
    shared: { type: Boolean, default: false },
    /** For an agreement: the signed copy of this revision of it (null: not a signed copy). */
    signedRev: { type: Number, default: null },
  },
  { collection: 'documents' },
);
documentSchema.index({ recordKind: 1, recordId: 1 });
documentSchema.index({ status: 1, uploadedAt: 1 });
// The dashboard (signed copies on file) is cached per change of the data: document writes move it.
advanceHeadOnWrites(documentSchema);

export type DocumentDoc = InferSchemaType<typeof documentSchema> & { _id: import('mongoose').Types.ObjectId };
export const DocumentModel = model('Document', documentSchema);

const chunkSchema = new Schema(
  { _id: { type: String, required: true }, data: { type: Buffer, required: true } },
  { collection: 'document_chunks', versionKey: false },
);
export const DocumentChunkModel = model('DocumentChunk', chunkSchema);
