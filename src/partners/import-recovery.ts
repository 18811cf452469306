// An import cut off by a crash, a kill or a stop must not stay half-written and "running" forever.
// The process running an import renews its heartbeat every few seconds; a running import whose
// heartbeat is older than a minute has no live owner (whichever instance it was), and is rolled back:
// every document it inserted is deleted, and it becomes a preview again, saying how far it had gone,
// so its owner can start it again from the same file. Rolled back rather than resumed: the rows were
// validated against the partners of that moment, and a roll-back is the import's one failure path.
import os from 'node:os';
import type { Types } from 'mongoose';
import { claimOnce } from '../db/claim.js';
import { deleteByIds } from '../db/batch.js';
import { logger } from '../logger.js';
import { alive } from '../util/process.js';
import { PartnerImportModel } from './import.model.js';
import { PartnerModel, StageChangeModel } from './model.js';
import { removeAuditEntries } from '../audit/service.js';

export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 60_000;

let stopping = false;
export const importsStopping = (): boolean => stopping;
export const markImportsStopping = (value = true): void => void (stopping = value);

export function startHeartbeat(importId: Types.ObjectId): { stop: () => void } {
  const timer = setInterval(() => {
    PartnerImportModel.updateOne({ _id: importId, status: 'running' }, { $set: { heartbeatAt: new Date() } }).catch((err: unknown) =>
      logger.warn({ err }, 'import heartbeat not written'),
    );
  }, HEARTBEAT_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Deletes every document the import inserted (its partners, their first stage change and audit entries). */
export async function removeImported(importId: Types.ObjectId): Promise<void> {
  const partnerIds = (await PartnerModel.find({ importId }, { _id: 1 }).lean()).map((p) => p._id);
  await deleteByIds(PartnerModel, partnerIds);
  await deleteByIds(StageChangeModel, partnerIds, 'partnerId');
  await removeAuditEntries('partner', 'import', partnerIds);
}

interface RunningImport {
  _id: Types.ObjectId;
  heartbeatAt?: Date | null;
  ownerHost: string;
  ownerPid: number;
}

/** No live owner: stopped on purpose, silent for a minute, or run by a process of this machine that is gone. */
function ownerless(imp: RunningImport, now: Date, runningHere: (id: Types.ObjectId) => boolean): boolean {
  if (!imp.heartbeatAt || imp.heartbeatAt.getTime() < now.getTime() - STALE_AFTER_MS) return true;
  if (imp.ownerHost !== os.hostname()) return false;
  return imp.ownerPid === process.pid ? !runningHere(imp._id) : !alive(imp.ownerPid);
}

/** Rolls back the running imports that no live process is running; returns how many. */
export async function recoverInterruptedImports(runningHere: (id: Types.ObjectId) => boolean, now = new Date()): Promise<number> {
  const candidates = await PartnerImportModel.find(
    { status: 'running' },
    { _id: 1, done: 1, heartbeatAt: 1, ownerHost: 1, ownerPid: 1 },
  ).lean();
  let recovered = 0;
  for (const imp of candidates.filter((i) => ownerless(i, now, runningHere))) {
    // Two instances starting at once: one of them rolls it back.
    if (!(await claimOnce(`partner-import-recovery:${String(imp._id)}:${imp.heartbeatAt?.getTime() ?? 0}`))) continue;
    await removeImported(imp._id);
    await PartnerImportModel.updateOne(
      { _id: imp._id, status: 'running' },
      { $set: { status: 'preview', interruptedAt: now, interruptedDone: imp.done, done: 0, imported: 0, heartbeatAt: null } },
    );
    logger.warn({ importId: String(imp._id), done: imp.done }, 'an interrupted partner import was rolled back');
    recovered += 1;
  }
  return recovered;
}
