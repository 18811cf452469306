// The agreement directory: the listed fields of every agreement (status, parties, dates, KPIs,
// funding, follow-up), held in this process's memory and kept current through the change log
// (src/db/directory.ts). The list, the partner page, overdue checks and the dashboard read it
// instead of scanning the collection. About 1.9 KB per agreement (seeded portfolio).
import type { Types } from 'mongoose';
import { Directory, LOAD_BATCH } from '../db/directory.js';
import type { Filter, Page, SortSpec } from '../db/query.js';
import { AgreementModel, type AgreementDoc } from './model.js';

const listedFields = {
  title: 1,
  status: 1,
  kind: 1,
  rev: 1,
  partnerIds: 1,
  ownerId: 1,
  teamIds: 1,
  startDate: 1,
  endDate: 1,
  statusChangedAt: 1,
  completeness: 1,
  kpis: 1,
  funding: 1,
  followUp: 1,
  archived: 1,
  updatedAt: 1,
} as const;

export type ListedAgreement = Pick<
  AgreementDoc,
  | '_id'
  | 'title'
  | 'status'
  | 'kind'
  | 'rev'
  | 'partnerIds'
  | 'ownerId'
  | 'teamIds'
  | 'startDate'
  | 'endDate'
  | 'statusChangedAt'
  | 'completeness'
  | 'kpis'
  | 'funding'
  | 'followUp'
  | 'archived'
> & { updatedAt: Date };

const directory = new Directory<ListedAgreement>(
  'agreements',
  () => AgreementModel.find({}, listedFields).lean<ListedAgreement[]>().cursor({ batchSize: LOAD_BATCH }),
  (id) => AgreementModel.findById(id, listedFields).lean<ListedAgreement>(),
);

/** Every agreement's listed fields (archived ones too), current as of this call. */
export const agreementDirectory = (): Promise<readonly ListedAgreement[]> => directory.rows();

/** The agreements matching a MongoDB filter, in a MongoDB sort's order (src/db/query.ts), shared per change. */
export const agreementsMatching = (filter: Filter, sort: SortSpec): Promise<readonly ListedAgreement[]> => directory.matching(filter, sort);

/** One page of agreementsMatching, with the number that match. */
export const listedAgreements = (filter: Filter, sort: SortSpec, page: Page) => directory.list(filter, sort, page);

/** The agreements naming a partner (archived ones too), in no order. */
export const agreementsOfPartner = async (partnerId: Types.ObjectId | string): Promise<readonly ListedAgreement[]> =>
  (await directory.groupedBy('partner', (a) => [...new Set(a.partnerIds.map(String))])).get(String(partnerId)) ?? [];

export const involves = (a: Pick<ListedAgreement, 'ownerId' | 'teamIds'>, userId: Types.ObjectId | string): boolean =>
  String(a.ownerId) === String(userId) || a.teamIds.some((u) => String(u) === String(userId));
