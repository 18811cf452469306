// CSV import of partners and contacts: upload → preview (mapping, every invalid row with its line and
// reason, duplicates) → import. No transactions on FerretDB, so the import is made atomic by hand:
// everything is validated first, then inserted in batches tagged with the import's id; on any
// failure every document carrying that id is deleted again, and only then is the import marked.
import os from 'node:os';
import { Types } from 'mongoose';
import { recordAudit, recordAuditMany } from '../audit/service.js';
import { claimOnce } from '../db/claim.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import { logger } from '../logger.js';
import type { SessionUser } from '../users/service.js';
import { PartnerImportModel } from './import.model.js';
import { PartnerModel, StageChangeModel } from './model.js';
import { derivedFields } from './derived.js';
import { importsStopping, markImportsStopping, removeImported, startHeartbeat } from './import-recovery.js';

import { autoMapping, importFields, parseCsv, prepareImport, type Prepared } from './import-rows.js';

export { autoMapping, importFields, parseCsv, prepareImport, type ImportField, type Problem } from './import-rows.js';

export const maxPreviewProblems = 1000;

async function check(importId: Types.ObjectId, importer: SessionUser) {
  const imp = await PartnerImportModel.findById(importId);
  if (!imp) throw notFound();
  if (String(imp.createdBy) !== importer.id) throw forbidden();
  const { headers, rows } = parseCsv(imp.csv);
  const result = await prepareImport(headers, rows, imp.mapping, importer);
  return { imp, rows, ...result };
}

export async function createPreview(importer: SessionUser, fileName: string, text: string): Promise<Types.ObjectId> {
  const { headers, rows } = parseCsv(text);
  if (!headers.length) throw new RuleError('partners:import.problems.empty');
  const imp = await PartnerImportModel.create({
    createdBy: importer._id,
    fileName,
    csv: text,
    headers,
    mapping: autoMapping(headers),
    rowCount: rows.length,
  });
  await refreshPreview(importer, imp._id);
  return imp._id;
}

export async function setMapping(importer: SessionUser, importId: Types.ObjectId, mapping: string[]) {
  const clean = mapping.map((m) => ((importFields as readonly string[]).includes(m) ? m : ''));
  await PartnerImportModel.updateOne({ _id: importId, createdBy: importer._id, status: 'preview' }, { $set: { mapping: clean } });
  await refreshPreview(importer, importId);
}

async function refreshPreview(importer: SessionUser, importId: Types.ObjectId) {
  const { imp, prepared, problems } = await check(importId, importer);
  imp.problems = problems.slice(0, maxPreviewProblems) as typeof imp.problems;
  imp.partnerCount = prepared.length;
  await imp.save();
}

/**
 * Rows inserted per batch. Each batch is one change-log entry that the read model applies, row by row
 * by id, while the import goes on: the first list after an import then waits for the last batch only,
 * not for the whole import's rows (600 rows in one entry took a second to apply at 20,000 partners).
 */
export const IMPORT_BATCH_SIZE = 100;

export const importOptions = {
  batchSize: IMPORT_BATCH_SIZE,
  /** Tests: make a batch fail to prove the roll-back. */
  beforeBatch: null as null | ((index: number) => Promise<void>),
};
const running = new Map<string, Promise<void>>();
/** Tests: wait for a started import to end. */
export const importSettled = (id: Types.ObjectId | string) => running.get(String(id)) ?? Promise.resolve();
export const runningHere = (id: Types.ObjectId | string): boolean => running.has(String(id));

/** Starts the import in the background (once, however many times the button is pressed). */
export async function startImport(importer: SessionUser, importId: Types.ObjectId): Promise<void> {
  const { imp, prepared } = await check(importId, importer);
  if (imp.status !== 'preview') return;
  if (!prepared.length) throw new RuleError('partners:import.nothing');
  // Once per run: a run rolled back after an interruption may be started again.
  if (!(await claimOnce(`partner-import:${String(importId)}:${imp.interruptedAt?.getTime() ?? 0}`))) return;
  imp.status = 'running';
  imp.done = 0;
  imp.heartbeatAt = new Date();
  imp.ownerHost = os.hostname();
  imp.ownerPid = process.pid;
  imp.interruptedAt = null;
  await imp.save();
  const job = runImport(importer, importId, prepared).catch((err: unknown) => logger.error({ err }, 'partner import failed'));
  running.set(String(importId), job);
}

async function runImport(importer: SessionUser, importId: Types.ObjectId, prepared: Prepared[]) {
  const now = new Date();
  const heartbeat = startHeartbeat(importId);
  try {
    for (let i = 0, batch = 0; i < prepared.length; i += importOptions.batchSize, batch += 1) {
      // Stopping: end between two batches (each one whole), leave it running without a heartbeat;
      // whichever process starts next rolls it back (import-recovery.ts).
      if (importsStopping()) return void (await PartnerImportModel.updateOne({ _id: importId }, { $set: { heartbeatAt: null } }));
      if (importOptions.beforeBatch) await importOptions.beforeBatch(batch);
      const slice = prepared.slice(i, i + importOptions.batchSize);
      const docs = slice.map(({ doc }) => {
        const d = derivedFields({
          name: doc.name,
          website: String(doc.website),
          contacts: doc.contacts as { name: string; email: string }[],
          resources: doc.resources,
        });
        return {
          _id: new Types.ObjectId(),
          ...doc,
          ...d,
          stageChangedAt: now,
          lastActivityAt: now,
          createdBy: importer._id,
          importId,
          rev: 0,
        };
      });
      await PartnerModel.insertMany(docs, { ordered: true });
      await StageChangeModel.insertMany(
        docs.map((d) => ({ partnerId: d._id, from: null, to: d.stage, at: now, byId: importer._id, byName: importer.name, reason: '' })),
      );
      await recordAuditMany(
        importer,
        'partner',
        'import',
        docs.map((d) => ({ entityId: d._id, note: d.name })),
        now,
      );
      await PartnerImportModel.updateOne({ _id: importId }, { $set: { done: Math.min(prepared.length, i + slice.length) } });
    }
    await PartnerImportModel.updateOne({ _id: importId }, { $set: { status: 'done', imported: prepared.length, finishedAt: new Date() } });
    await recordAudit({ actor: importer, entity: 'partner-import', entityId: importId, action: 'create', note: String(prepared.length) });
  } catch (err) {
    // Roll back: nothing of this import stays.
    await removeImported(importId);
    await PartnerImportModel.updateOne(
      { _id: importId },
      {
        $set: {
          status: 'failed',
          done: 0,
          imported: 0,
          failure: err instanceof Error ? err.message.slice(0, 500) : 'error',
          finishedAt: new Date(),
        },
      },
    );
    throw err;
  } finally {
    heartbeat.stop();
    running.delete(String(importId));
  }
}

/** Graceful stop: running imports end after their current batch; resolves when they have. */
export async function stopImports(): Promise<void> {
  markImportsStopping();
  await Promise.allSettled([...running.values()]);
}

export async function getImport(importer: SessionUser, importId: Types.ObjectId) {
  const imp = await PartnerImportModel.findById(importId, { csv: 0 }).lean();
  if (!imp) return null;
  if (String(imp.createdBy) !== importer.id) throw forbidden();
  return imp;
}

/** The first rows of the file, for the preview table. */
export async function previewRows(importId: Types.ObjectId, n = 5): Promise<string[][]> {
  const imp = await PartnerImportModel.findById(importId, { csv: 1 }).lean();
  return imp ? parseCsv(imp.csv).rows.slice(0, n) : [];
}
