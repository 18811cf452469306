// The KPI measurement directory: every measurement, held in this process's memory and kept current
// through the change log (src/db/directory.ts). The agreement page, progress checks, the meeting
// agenda and the shared page read an agreement's history from it instead of scanning the
// collection (100,000 measurements take seconds to scan on the embedded database). Kept packed in
// columns (measurement-columns.ts): 11 MB for 100,000.
import { Directory, LOAD_BATCH } from '../db/directory.js';
import { MeasurementColumns } from './measurement-columns.js';
import { KpiMeasurementModel } from './model.js';
import type { Types } from 'mongoose';

export interface ListedMeasurement {
  _id: Types.ObjectId;
  agreementId: Types.ObjectId;
  kpiId: Types.ObjectId;
  value: number;
  periodStart: Date | null;
  periodEnd: Date;
  comment: string;
  recordedById: Types.ObjectId | null;
  recordedByContactId: Types.ObjectId | null;
  recordedByName: string;
  progressCheckId: Types.ObjectId | null;
  createdAt: Date;
}

const listedFields = { updatedAt: 0, __v: 0 } as const;

const directory = new Directory<ListedMeasurement, MeasurementColumns>(
  'kpimeasurements',
  () => KpiMeasurementModel.find({}, listedFields).lean<ListedMeasurement[]>().cursor({ batchSize: LOAD_BATCH }),
  (id) => KpiMeasurementModel.findById(id, listedFields).lean<ListedMeasurement>(),
  () => new MeasurementColumns(),
);

/**
 * The measurements of one agreement, oldest period first (then oldest recorded). `fresh` reads as of
 * this call, not of the request's start: for code that has just written measurements.
 */
export async function measurementsOf(agreementId: Types.ObjectId | string, opts: { fresh?: boolean } = {}): Promise<ListedMeasurement[]> {
  const all = await directory.byId(opts.fresh ? Date.now() : undefined);
  return all
    .ofAgreement(agreementId)
    .sort((a, b) => a.periodEnd.getTime() - b.periodEnd.getTime() || a.createdAt.getTime() - b.createdAt.getTime());
}

/** The measurements recorded with a progress check. */
export async function measurementsOfCheck(checkId: Types.ObjectId | string): Promise<readonly ListedMeasurement[]> {
  return (await directory.byId()).ofCheck(checkId);
}
