// The only code that reads or writes the documents' collections. Chunks are always addressed by
// `_id` (`${fileId}:${n}`): the one filter FerretDB 1.24 answers without reading the whole collection.
import type { Types } from 'mongoose';
import { CHUNK_BYTES, DocumentChunkModel, DocumentModel, type RecordKind } from './model.js';

export { CHUNK_BYTES };

export const chunkId = (fileId: Types.ObjectId | string, n: number): string => `${String(fileId)}:${n}`;

const chunks = () => DocumentChunkModel.collection;

export async function createUploading(meta: {
  recordKind: RecordKind;
  recordId: Types.ObjectId;
  occurrence: string;
  name: string;
  uploadedById: Types.ObjectId;
  uploadedByName: string;
  signedRev: number | null;
  shared: boolean;
}) {
  const doc = await DocumentModel.create({ ...meta, status: 'uploading' });
  return doc._id;
}

export async function writeChunk(fileId: Types.ObjectId, n: number, data: Buffer): Promise<void> {
  // The raw collection: a chunk needs no casting, and an upload sends many.
  await chunks().insertOne({ _id: chunkId(fileId, n) as never, data });
}

export async function readChunk(fileId: Types.ObjectId, n: number): Promise<Buffer | null> {
  const c = await chunks().findOne({ _id: chunkId(fileId, n) as never });
  if (!c) return null;
  const data = c.data as unknown;
  // The driver gives BSON binary back as a Binary; its buffer is the bytes.
  return Buffer.isBuffer(data) ? data : Buffer.from((data as { buffer: Uint8Array }).buffer);
}

/** Removes chunks 0..count-1 one `_id` at a time (FerretDB reads the whole collection for a `$in`). */
export async function deleteChunks(fileId: Types.ObjectId, count: number): Promise<void> {
  for (let n = 0; n < count; n++) await chunks().deleteOne({ _id: chunkId(fileId, n) as never });
}

export async function markComplete(fileId: Types.ObjectId, done: { size: number; type: string; sha256: string; chunks: number }) {
  await DocumentModel.updateOne({ _id: fileId }, { $set: { ...done, status: 'complete' } });
}

export async function removeMetadata(fileId: Types.ObjectId): Promise<void> {
  await DocumentModel.deleteOne({ _id: fileId });
}

export const documentById = (id: Types.ObjectId) => DocumentModel.findById(id).lean();

/** The files on file for a record (complete, not archived), newest first. */
export async function documentsOf(recordKind: RecordKind, recordId: Types.ObjectId, occurrence?: string) {
  const filter: Record<string, unknown> = { recordKind, recordId, status: 'complete', archivedAt: null };
  if (occurrence !== undefined) filter.occurrence = occurrence;
  return DocumentModel.find(filter).sort({ uploadedAt: -1, _id: -1 }).limit(200).lean();
}

/** The agreements among `ids` that have a signed copy of their revision `revs[id]` on file. */
export async function agreementsWithSignedCopy(revs: ReadonlyMap<string, number>): Promise<Set<string>> {
  if (!revs.size) return new Set();
  const ids = [...revs.keys()];
  const docs = await DocumentModel.find(
    { recordKind: 'agreement', recordId: { $in: ids }, status: 'complete', archivedAt: null, signedRev: { $ne: null } },
    { recordId: 1, signedRev: 1 },
  ).lean();
  return new Set(docs.filter((d) => revs.get(String(d.recordId)) === d.signedRev).map((d) => String(d.recordId)));
}

export async function archive(fileId: Types.ObjectId, byId: Types.ObjectId, at: Date): Promise<boolean> {
  const r = await DocumentModel.updateOne({ _id: fileId, archivedAt: null }, { $set: { archivedAt: at, archivedById: byId } });
  return r.modifiedCount === 1;
}

export async function setShared(fileId: Types.ObjectId, shared: boolean): Promise<void> {
  await DocumentModel.updateOne({ _id: fileId }, { $set: { shared } });
}

/** Uploads left unfinished (a crash mid-stream) older than `before`: their chunks and metadata go. */
export async function staleUploads(before: Date) {
  return DocumentModel.find({ status: 'uploading', uploadedAt: { $lt: before } }, { _id: 1 })
    .limit(100)
    .lean();
}

export async function setSignedRev(fileId: Types.ObjectId, signedRev: number): Promise<void> {
  await DocumentModel.updateOne({ _id: fileId }, { $set: { signedRev } });
}
