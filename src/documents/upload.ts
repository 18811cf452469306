// A multer storage engine that streams an upload into `document_chunks` as it arrives: the file is
// never whole in memory (one chunk of 255 KB at a time), its type is sniffed from its first bytes,
// and a file cut short (size limit, aborted request) leaves nothing behind.
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import multer, { type StorageEngine } from 'multer';
import type { Types } from 'mongoose';
import { config } from '../config.js';
import { CHUNK_BYTES, createUploading, deleteChunks, markComplete, removeMetadata, writeChunk } from './repository.js';
import type { UploadTarget } from './records.js';

/** What the route put on the request before the upload began (the record, checked writable). */
export interface UploadContext {
  target: UploadTarget;
  actor: { _id: Types.ObjectId; name: string };
  signedRev: number | null;
}

export interface StoredFile {
  fileId: Types.ObjectId;
  size: number;
  type: string;
  chunks: number;
}

const contexts = new WeakMap<Request, UploadContext>();
export const setUploadContext = (req: Request, ctx: UploadContext): void => void contexts.set(req, ctx);

/** Types a browser may show inline: never HTML or SVG, which could run script on our origin. */
export const inlineTypes = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** The type read from the content; what file-type cannot name (text, HTML, CSV…) is served as bytes. */
export async function sniffType(head: Buffer): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  return found?.mime ?? 'application/octet-stream';
}

/** A name safe to keep and to send back: no path, no control or reserved characters, bounded. */
export function sanitizeName(original: string): string {
  const base = original.split(/[\\/]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (!clean) return 'document';
  if (clean.length <= 150) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
  return clean.slice(0, 150 - ext.length) + ext;
}

class ChunkStorage implements StorageEngine {
  _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const ctx = contexts.get(req);
    if (!ctx) return cb(new Error('upload without a checked record'));
    void store(ctx, file).then(
      (stored) => cb(null, { size: stored.size, mimetype: stored.type, ...({ stored } as object) }),
      (err: unknown) => cb(err),
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    const stored = (file as { stored?: StoredFile }).stored;
    if (!stored) return cb(null);
    void discard(stored.fileId, stored.chunks).then(
      () => cb(null),
      (err: Error) => cb(err),
    );
  }
}

async function discard(fileId: Types.ObjectId, chunks: number): Promise<void> {
  await deleteChunks(fileId, chunks);
  await removeMetadata(fileId);
}

async function store(ctx: UploadContext, file: Express.Multer.File): Promise<StoredFile> {
  const fileId = await createUploading({
    recordKind: ctx.target.kind,
    recordId: ctx.target.id,
    occurrence: ctx.target.occurrence,
    name: sanitizeName(file.originalname),
    uploadedById: ctx.actor._id,
    uploadedByName: ctx.actor.name,
    signedRev: ctx.signedRev,
    shared: false,
  });
  const hash = createHash('sha256');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let n = 0;
  let size = 0;
  let type = 'application/octet-stream';
  const flush = async (data: Buffer) => {
    if (n === 0) type = await sniffType(data);
    await writeChunk(fileId, n, data);
    n += 1;
  };
  try {
    // `for await` pauses the upload while a chunk is written: memory holds at most a chunk or two.
    for await (const piece of file.stream as AsyncIterable<Buffer>) {
      size += piece.length;
      // Past the limit: store no more; the parser stops the part a byte later, multer answers
      // LIMIT_FILE_SIZE and removes what was stored (see _removeFile).
      if (size > config.documentMaxBytes) continue;
      hash.update(piece);
      pending.push(piece);
      pendingBytes += piece.length;
      while (pendingBytes >= CHUNK_BYTES) {
        const all = Buffer.concat(pending);
        await flush(all.subarray(0, CHUNK_BYTES));
        const rest = all.subarray(CHUNK_BYTES);
        pending = rest.length ? [Buffer.from(rest)] : [];
        pendingBytes = rest.length;
      }
    }
    if (pendingBytes && size <= config.documentMaxBytes) await flush(Buffer.concat(pending));
  } catch (err) {
    await discard(fileId, n + 1);
    throw err;
  }
  const stored = { fileId, size, type, chunks: n };
  if (size > config.documentMaxBytes || (file.stream as { truncated?: boolean }).truncated) return stored;
  await markComplete(fileId, { size, type, sha256: hash.digest('hex'), chunks: n });
  return stored;
}

/** The multipart parser for one document: a file under `file`, a few small fields, the size limit. */
export const documentUpload = () =>
  multer({
    storage: new ChunkStorage(),
    // Browsers send file names in UTF-8 (busboy's default would read them as Latin-1).
    defParamCharset: 'utf8',
    limits: { fileSize: config.documentMaxBytes, files: 1, fields: 10, fieldSize: 10_000 },
  }).single('file');
