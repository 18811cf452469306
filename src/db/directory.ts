// An in-memory directory of one collection's listed fields, held by each process and kept current
// through the change log (change-log.ts). Lists, filters, counts and sorts are then computed in
// memory, so a request costs the same few database commands however large the collection.
// FerretDB 1.24 (the embedded database) uses no index for a filter or a sort and decodes every
// document of the collection; reading only what changed avoids that scan on every page. Each read
// first applies the log past what this process has seen, so a user's own change (written before
// their redirect) is always in what they see next.
import { Types } from 'mongoose';
import { CHANGE_RETENTION_MS, ChangeModel } from './change-log.js';

/** Applies at most this many changed documents one by one; more, and the directory reloads. */
const MAX_INCREMENTAL = 200;
/**
 * Log entries from several processes are not written in _id order (an ObjectId orders by second,
 * then by process), and an entry may commit a moment after its _id was made: each refresh re-reads
 * the last seconds and skips the entries it already applied.
 */
const WINDOW_MS = 10_000;

const sinceFilter = (coll: string, ms: number) => ({ coll, _id: { $gte: Types.ObjectId.createFromTime(Math.floor(ms / 1000)) } });

interface State<T> {
  rows: Map<string, T>;
  applied: Set<string>;
  seenAt: number;
  loadedAt: number;
}

const all = new Set<Directory<{ _id: Types.ObjectId }>>();

export class Directory<T extends { _id: Types.ObjectId }> {
  private state: State<T> | null = null;
  private pending: Promise<State<T>> | null = null;

  constructor(
    private readonly coll: string,
    private readonly loadAll: () => Promise<T[]>,
    private readonly loadOne: (id: string) => Promise<T | null>,
  ) {
    all.add(this);
  }

  /** Every document's listed fields, current as of this call. */
  async rows(): Promise<T[]> {
    // One refresh at a time per process; callers arriving meanwhile share it.
    this.pending ??= this.refresh(this.state).finally(() => (this.pending = null));
    this.state = await this.pending;
    return [...this.state.rows.values()];
  }

  /** Forgets what this process holds. */
  reset(): void {
    this.state = null;
  }

  private async fullLoad(): Promise<State<T>> {
    // Read the log position first: a write landing during the scan is applied again next time.
    const startedAt = Date.now();
    const recent = await ChangeModel.find(sinceFilter(this.coll, startedAt - WINDOW_MS), { _id: 1 }).lean();
    const rows = new Map<string, T>();
    for (const d of await this.loadAll()) rows.set(String(d._id), d);
    return { rows, applied: new Set(recent.map((c) => String(c._id))), seenAt: startedAt, loadedAt: startedAt };
  }

  private async refresh(current: State<T> | null): Promise<State<T>> {
    if (!current || Date.now() - current.loadedAt > CHANGE_RETENTION_MS / 2) return this.fullLoad();
    const readAt = Date.now();
    const entries = await ChangeModel.find(sinceFilter(this.coll, current.seenAt - WINDOW_MS)).lean();
    const fresh = entries.filter((c) => !current.applied.has(String(c._id)));
    const applied = new Set(entries.map((c) => String(c._id)));
    if (!fresh.length) return { ...current, applied, seenAt: readAt };
    const ids = new Set<string>();
    for (const c of fresh) {
      if (c.all) return this.fullLoad();
      for (const id of c.ids) ids.add(String(id));
    }
    if (ids.size > MAX_INCREMENTAL) return this.fullLoad();
    // One read by _id each: the one lookup FerretDB answers without a scan.
    for (const id of ids) {
      const d = await this.loadOne(id);
      if (d) current.rows.set(id, d);
      else current.rows.delete(id);
    }
    return { rows: current.rows, applied, seenAt: readAt, loadedAt: current.loadedAt };
  }
}

/** Forgets every directory's contents (tests, after the database is emptied behind the models). */
export function resetDirectories(): void {
  for (const d of all) d.reset();
}
