// Every change of stage, held in this process's memory and kept current through the change log
// (src/db/directory.ts): the partner timeline and the dashboard's funnel read it instead of scanning
// the collection (tens of thousands of changes at 20,000 partners). About 0.35 KB each.
import type { Types } from 'mongoose';
import { Directory, LOAD_BATCH } from '../db/directory.js';
import { countBefore } from '../util/sorted.js';
import { StageChangeModel } from './model.js';
import type { Stage } from './constants.js';

export interface ListedStageChange {
  _id: Types.ObjectId;
  partnerId: Types.ObjectId;
  from: Stage | null;
  to: Stage;
  at: Date;
  byName: string;
  reason: string;
}

const fields = { partnerId: 1, from: 1, to: 1, at: 1, byName: 1, reason: 1 } as const;

const directory = new Directory<ListedStageChange>(
  'partnerstagechanges',
  () => StageChangeModel.find({}, fields).lean<ListedStageChange[]>().cursor({ batchSize: LOAD_BATCH }),
  (id) => StageChangeModel.findById(id, fields).lean<ListedStageChange>(),
);

/** Every stage change, current as of this request. */
export const stageChanges = (): Promise<readonly ListedStageChange[]> => directory.rows();

/** One partner's stage changes, in no order: grouped by partner once per change of the directory. */
export const stageChangesOf = async (partnerId: Types.ObjectId | string): Promise<readonly ListedStageChange[]> =>
  (await directory.groupedBy('partner', (s) => String(s.partnerId))).get(String(partnerId)) ?? [];

/** The stage changes in [since, until], latest first: a binary search in the list sorted by date once per change. */
export async function stageChangesBetween(since: Date, until: Date): Promise<ListedStageChange[]> {
  const list = await directory.sorted('at', (a, b) => a.at.getTime() - b.at.getTime());
  const lo = countBefore(list, (c) => c.at.getTime() < since.getTime());
  const hi = countBefore(list, (c) => c.at.getTime() <= until.getTime());
  return list.slice(lo, hi).reverse();
}
