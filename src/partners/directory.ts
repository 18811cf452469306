// The partner directory: the listed fields of every partner, held in this process's memory and
// kept current through the change log (src/db/directory.ts). Lists, filters, search, counts, the
// board, regions, the resource inventory and partner names come from it. About 1.5 KB per partner.
import type { Types } from 'mongoose';
import { Directory, LOAD_BATCH } from '../db/directory.js';
import type { Filter, Page, SortSpec } from '../db/query.js';
import { PartnerModel } from './model.js';

export const listedFields = {
  name: 1,
  nameFolded: 1,
  websiteFolded: 1,
  searchFolded: 1,
  type: 1,
  stage: 1,
  stageChangedAt: 1,
  ownerId: 1,
  region: 1,
  tags: 1,
  priority: 1,
  resourceCategories: 1,
  resources: 1,
  archived: 1,
  updatedAt: 1,
} as const;

export interface ListedPartner {
  _id: Types.ObjectId;
  name: string;
  nameFolded: string;
  /** The website without scheme, www. or trailing slash, folded; '' without one. */
  websiteFolded?: string | null;
  searchFolded: string;
  type: string;
  stage: string;
  stageChangedAt: Date;
  ownerId: Types.ObjectId;
  region: string;
  tags: string[];
  priority: string;
  resourceCategories: string[];
  resources: { _id: Types.ObjectId; category: string; description: string }[];
  archived: boolean;
  updatedAt: Date;
}

const directory = new Directory<ListedPartner>(
  'partners',
  () => PartnerModel.find({}, listedFields).lean<ListedPartner[]>().cursor({ batchSize: LOAD_BATCH }),
  (id) => PartnerModel.findById(id, listedFields).lean<ListedPartner>(),
);

/** Every partner's listed fields, current as of this call. */
export const partnerDirectory = (): Promise<readonly ListedPartner[]> => directory.rows();

/** Every partner's listed fields by id. */
export const partnersById = (): Promise<ReadonlyMap<string, ListedPartner>> => directory.byId();

/** The partners matching a MongoDB filter, in a MongoDB sort's order (src/db/query.ts), shared per change. */
export const partnersMatching = (filter: Filter, sort: SortSpec): Promise<readonly ListedPartner[]> => directory.matching(filter, sort);

/** One page of partnersMatching, with the number that match. */
export const listedPartners = (filter: Filter, sort: SortSpec, page: Page) => directory.list(filter, sort, page);

/** Names of partners by id, from the directory (no database scan). */
export async function partnerNamesById(ids: readonly { toString(): string }[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  return new Map([...(await directory.byIds(ids))].map(([id, p]) => [id, p.name]));
}

/**
 * Partners, archived ones too, whose folded name or folded website is one of these: the duplicate
 * checks of the form and of the import, answered from memory (the database would scan for it).
 */
export async function partnersNamedOrAt(names: Iterable<string>, sites: Iterable<string>): Promise<ListedPartner[]> {
  const byName = new Set(names);
  const bySite = new Set([...sites].filter(Boolean));
  return (await directory.rows()).filter((p) => byName.has(p.nameFolded) || (!!p.websiteFolded && bySite.has(p.websiteFolded)));
}
