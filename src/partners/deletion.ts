// What deleting a partner means: a partner still named by an agreement (any status) or a meeting is
// never deleted (archive retires it, and keeps those records whole); one with nothing of the kind
// is deleted with the records that only describe it (tasks, interactions, its stage history).
import type { Types } from 'mongoose';
import { InteractionModel } from './interactions.model.js';
import { StageChangeModel } from './model.js';
import { countAgreementsOfPartner } from '../agreements/lookups.js';
import { removeTasksOfPartner } from '../tasks/service.js';
import { countMeetingsOfPartner } from '../meetings/occurrences.js';

/** The records that keep a partner from being deleted, counted. */
export async function blockingReferences(partnerId: Types.ObjectId): Promise<{ agreements: number; meetings: number }> {
  const [agreements, { meetings, series }] = await Promise.all([countAgreementsOfPartner(partnerId), countMeetingsOfPartner(partnerId)]);
  return { agreements, meetings: meetings || series };
}

/** Removes the records that only describe the partner (call before deleting the partner itself). */
export async function removeDependentRecords(partnerId: Types.ObjectId): Promise<void> {
  await Promise.all([
    removeTasksOfPartner(partnerId),
    InteractionModel.deleteMany({ partnerId }),
    StageChangeModel.deleteMany({ partnerId }),
  ]);
}
