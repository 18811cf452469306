// Documents on records: the panel's list, downloads, archiving and sharing, signed copies of
// agreements. The feature's public face: other features call these functions, never the models.
import { Readable } from 'node:stream';
import type { Types } from 'mongoose';
import { recordAudit } from '../audit/service.js';
import { config } from '../config.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import type { RecordKind } from './model.js';
import { mayWriteRecord, recordPath, revisionsOf, type Actor } from './records.js';
import * as repo from './repository.js';
import { inlineTypes, type StoredFile } from './upload.js';

export { recordKinds, type RecordKind } from './model.js';
export { inlineTypes };

export interface PanelItem {
  id: string;
  name: string;
  size: number;
  type: string;
  byName: string;
  at: Date;
  shared: boolean;
  signedRev: number | null;
  inline: boolean;
}

type Row = NonNullable<Awaited<ReturnType<typeof repo.documentById>>>;

const item = (d: Row): PanelItem => ({
  id: String(d._id),
  name: d.name,
  size: d.size,
  type: d.type,
  byName: d.uploadedByName,
  at: d.uploadedAt,
  shared: d.shared ?? false,
  signedRev: d.signedRev ?? null,
  inline: inlineTypes.has(d.type),
});

/** What the documents panel of a record shows (record pages pass it to views/documents/_panel.ejs). */
export async function documentPanel(actor: Actor, kind: RecordKind, id: Types.ObjectId) {
  const [rows, right] = await Promise.all([repo.documentsOf(kind, id), mayWriteRecord(actor, kind, id)]);
  // A signed copy names one of the agreement's revisions: the current one, or an earlier version's.
  const revs = kind === 'agreement' && right.allowed ? await revisionsOf(id, right.rev) : [];
  const items = rows.map(item);
  return {
    kind,
    recordId: String(id),
    items,
    /** An agreement's signed copy of its current revision is among them. */
    signedOnFile: right.rev !== null && items.some((d) => d.signedRev === right.rev),
    needsSignedCopy: right.needsSignedCopy ?? false,
    canWrite: right.allowed,
    /** Sharing applies where a shared page exists: the agreement's. */
    canShare: right.allowed && kind === 'agreement',
    revs,
    currentRev: right.rev,
    maxBytes: config.documentMaxBytes,
  };
}

/** After the stream was stored: a signed copy names one of the agreement's revisions, then the audit entry. */
export async function finishUpload(
  actor: Actor,
  target: { kind: RecordKind; id: Types.ObjectId; rev: number | null },
  stored: StoredFile,
  signedRev: number | null,
  allowedRevs: number[],
) {
  if (signedRev !== null) {
    if (target.kind !== 'agreement' || !allowedRevs.includes(signedRev)) {
      await repo.deleteChunks(stored.fileId, stored.chunks);
      await repo.removeMetadata(stored.fileId);
      throw new RuleError('documents:errors.version');
    }
    await repo.setSignedRev(stored.fileId, signedRev);
  }
  const doc = await repo.documentById(stored.fileId);
  await recordAudit({
    actor,
    entity: 'document',
    entityId: stored.fileId,
    action: 'upload',
    note: `${target.kind}:${String(target.id)} ${doc?.name ?? ''}`,
  });
}

async function writable(actor: Actor, docId: Types.ObjectId) {
  const d = await repo.documentById(docId);
  if (!d || d.status !== 'complete') throw notFound();
  const { allowed } = await mayWriteRecord(actor, d.recordKind, d.recordId);
  if (!allowed) throw forbidden();
  return d;
}

/** Archives a file (it leaves the list; its bytes stay, for the audit trail's sake). Returns the record's page. */
export async function archiveDocument(actor: Actor, docId: Types.ObjectId, now = new Date()): Promise<string> {
  const d = await writable(actor, docId);
  if (await repo.archive(docId, actor._id, now))
    await recordAudit({
      actor,
      entity: 'document',
      entityId: docId,
      action: 'archive',
      note: `${d.recordKind}:${String(d.recordId)} ${d.name}`,
    });
  return recordPath(d.recordKind, d.recordId);
}

export async function shareDocument(actor: Actor, docId: Types.ObjectId, shared: boolean): Promise<string> {
  const d = await writable(actor, docId);
  if (d.recordKind !== 'agreement') throw notFound();
  if (d.shared !== shared) {
    await repo.setShared(docId, shared);
    await recordAudit({ actor, entity: 'document', entityId: docId, action: shared ? 'share' : 'unshare', note: d.name });
  }
  return recordPath(d.recordKind, d.recordId);
}

/** A file to send: its metadata, and its bytes read chunk by chunk (each by `_id`) as the client takes them. */
export async function openDocument(docId: Types.ObjectId, scope?: { agreementId: Types.ObjectId }) {
  const d = await repo.documentById(docId);
  if (!d || d.status !== 'complete' || d.archivedAt) throw notFound();
  if (scope && (d.recordKind !== 'agreement' || String(d.recordId) !== String(scope.agreementId) || !d.shared)) throw notFound();
  async function* bytes() {
    for (let n = 0; n < d!.chunks; n++) {
      const chunk = await repo.readChunk(d!._id, n);
      if (!chunk) throw new Error(`document ${String(d!._id)}: chunk ${n} missing`);
      yield chunk;
    }
  }
  return { meta: item(d), stream: () => Readable.from(bytes(), { objectMode: false, highWaterMark: 1 }) };
}

/** Files an agreement's owner marked shared, for its shared page. */
export async function sharedDocuments(agreementId: Types.ObjectId): Promise<PanelItem[]> {
  return (await repo.documentsOf('agreement', agreementId)).filter((d) => d.shared).map(item);
}

/** Of these agreements (id → current revision), those with a signed copy of that revision on file. */
export const signedCopiesOnFile = (revs: ReadonlyMap<string, number>) => repo.agreementsWithSignedCopy(revs);
