// The partner directory: the listed fields of every partner, held in this process's memory and
// kept current through the change log (changes.ts). Lists, filters, search, counts, the board,
// regions and the resource inventory are computed from it, so a request costs the same few
// database commands at 100 or 20,000 partners. FerretDB 1.24 (the embedded database) uses no index
// for a filter or a sort and decodes every document of the collection; reading only what changed
// avoids that scan on every page. Each request first reads the log past what this process has seen,
// so a user's own change (written before their redirect) is always in what they see next.
// Size: about 1 KB of memory per partner.
import { Types } from 'mongoose';
import { PartnerChangeModel, CHANGE_RETENTION_MS } from './changes.js';
import { PartnerModel } from './model.js';

export const listedFields = {
  name: 1,
  nameFolded: 1,
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

interface State {
  rows: Map<string, ListedPartner>;
  /** Change-log entries already applied, within the re-read window. */
  applied: Set<string>;
  /** The newest applied entry's time (ms); the next refresh re-reads from WINDOW_MS before it. */
  seenAt: number;
  loadedAt: number;
}

let state: State | null = null;
let pending: Promise<State> | null = null;

/** Applies at most this many changed partners one by one; more, and the directory reloads. */
const MAX_INCREMENTAL = 200;
/**
 * Log entries from several processes are not written in _id order (an ObjectId orders by second,
 * then by process), and an entry may commit a moment after its _id was made: each refresh re-reads
 * the last seconds and skips the entries it already applied.
 */
const WINDOW_MS = 10_000;

const sinceFilter = (ms: number) => ({ _id: { $gte: Types.ObjectId.createFromTime(Math.floor(ms / 1000)) } });

async function fullLoad(): Promise<State> {
  // Read the log position first: a write landing during the scan is applied again next time.
  const startedAt = Date.now();
  const recent = await PartnerChangeModel.find(sinceFilter(startedAt - WINDOW_MS), { _id: 1 }).lean();
  const rows = new Map<string, ListedPartner>();
  for (const p of await PartnerModel.find({}, listedFields).lean<ListedPartner[]>()) rows.set(String(p._id), p);
  return { rows, applied: new Set(recent.map((c) => String(c._id))), seenAt: startedAt, loadedAt: startedAt };
}

async function refresh(current: State | null): Promise<State> {
  if (!current || Date.now() - current.loadedAt > CHANGE_RETENTION_MS / 2) return fullLoad();
  const readAt = Date.now();
  const entries = await PartnerChangeModel.find(sinceFilter(current.seenAt - WINDOW_MS)).lean();
  const fresh = entries.filter((c) => !current.applied.has(String(c._id)));
  const applied = new Set(entries.map((c) => String(c._id)));
  if (!fresh.length) return { ...current, applied, seenAt: readAt };
  const ids = new Set<string>();
  for (const c of fresh) {
    if (c.all) return fullLoad();
    for (const id of c.ids) ids.add(String(id));
  }
  if (ids.size > MAX_INCREMENTAL) return fullLoad();
  // One read by _id each: the one lookup FerretDB answers without a scan.
  for (const id of ids) {
    const p = await PartnerModel.findById(id, listedFields).lean<ListedPartner>();
    if (p) current.rows.set(id, p);
    else current.rows.delete(id);
  }
  return { rows: current.rows, applied, seenAt: readAt, loadedAt: current.loadedAt };
}

/** Every partner's listed fields, current as of this call. */
export async function partnerDirectory(): Promise<ListedPartner[]> {
  // One refresh at a time per process; callers arriving meanwhile share it.
  pending ??= refresh(state).finally(() => (pending = null));
  state = await pending;
  return [...state.rows.values()];
}

/** Forgets what this process holds (tests, and after the database is emptied). */
export function resetPartnerDirectory(): void {
  state = null;
}
