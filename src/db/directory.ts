// In-memory directories of collections' listed fields, held by each process and kept current
// through the change log (change-log.ts). Lists, filters, counts and sorts are then computed in
// memory, so a request costs the same few database commands however large the collection.
// FerretDB 1.24 (the embedded database) uses no index for a filter or a sort and decodes every
// document of the collection; reading only what changed avoids that scan on every page.
//
// Freshness: every read applies the log as of the start of the current request (or of the call,
// outside a request), so a user's own change, written before their redirect, is always in what they
// see next. One log read serves every directory and every request that began before it started.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { Types } from 'mongoose';
import { CHANGE_RETENTION_MS, ChangeModel, logHead } from './change-log.js';
import { idKey, Interner } from './intern.js';
import { pushTo } from '../util/group.js';

/** Documents per batch of a full load's cursor. */
export const LOAD_BATCH = 1000;
/** Applies at most this many changed documents one by one; more, and the directory reloads. */
const MAX_INCREMENTAL = 200;
/**
 * Log entries from several processes are not written in _id order (an ObjectId orders by second,
 * then by process), and an entry may commit a moment after its _id was made: each read re-reads the
 * last seconds and skips the entries it already applied.
 */
const WINDOW_MS = 10_000;

interface Entry {
  _id: Types.ObjectId;
  coll: string;
  ids: Types.ObjectId[];
  all?: boolean;
}

/**
 * Where a directory keeps its rows, by id key. A Map by default; a directory of many small rows may
 * keep them packed (see agreements/measurement-columns.ts) and hand out row objects on demand.
 */
export interface RowStore<T> {
  /** Adds a row whose key is not in the store yet (a full load: no check, no search). */
  add(key: string, row: T): void;
  set(key: string, row: T): void;
  delete(key: string): void;
  get(key: string): T | undefined;
  values(): Iterable<T>;
}

/** The default store: a Map. */
export class MapStore<T> extends Map<string, T> implements RowStore<T> {
  add(key: string, row: T): void {
    this.set(key, row);
  }
}

interface State<T, S extends RowStore<T>> {
  rows: S;
  applied: Set<string>;
  seenAt: number;
  loadedAt: number;
  /** The log head as of the last read of the log (or the load) this state reflects. */
  head: number;
}

const oidAt = (ms: number) => Types.ObjectId.createFromTime(Math.floor(ms / 1000));
const requestStart = new AsyncLocalStorage<number>();

/**
 * Directories read while answering a GET see every change logged before the request began. Mount
 * early. Other methods (which write, then may read) and code outside requests read as of each call.
 */
export const directoriesAsOfRequest: RequestHandler = (req, _res, next) =>
  req.method === 'GET' || req.method === 'HEAD' ? requestStart.run(Date.now(), next) : next();

/** Runs fn with every directory read as of now (one log read for all), as a GET request does. */
export const readingAsOfNow = <T>(fn: () => Promise<T>): Promise<T> => requestStart.run(Date.now(), fn);

/** What the shared log read needs of each directory. */
interface LogReader {
  readonly loadedSince: number | null;
  readonly headSeen: number;
  advance(readAt: number): void;
  apply(entries: Entry[], readAt: number, head: number): Promise<void>;
  reset(): void;
}
const all = new Set<LogReader>();

export class Directory<T extends { _id: Types.ObjectId }, S extends RowStore<T> = MapStore<T>> implements LogReader {
  private state: State<T, S> | null = null;
  private loading: Promise<State<T, S>> | null = null;
  /** Derived views of the current state (the row list, sorted lists), dropped whenever it changes. */
  private views = new Map<string, readonly T[] | ReadonlyMap<string, readonly T[]>>();
  private viewsOf: State<T, S> | null = null;

  constructor(
    readonly coll: string,
    /** Every document, read by a cursor: each is interned as it comes, so a full load never holds two copies. */
    private readonly loadAll: () => AsyncIterable<T>,
    private readonly loadOne: (id: string) => Promise<T | null>,
    private readonly newStore: () => S = () => new MapStore<T>() as unknown as S,
  ) {
    all.add(this);
  }

  /**
   * Every document's listed fields, current as of `asOf`: by default the start of this GET request,
   * or this call. The list is shared (frozen) until the next change: filter it, do not sort it in place.
   */
  async rows(asOf?: number): Promise<readonly T[]> {
    await this.current(asOf);
    return this.view('', () => [...this.state!.rows.values()]);
  }

  /** Every row by id (the directory's own store: read it, do not keep it past the request). */
  async byId(asOf?: number): Promise<Omit<S, 'add' | 'set' | 'delete'>> {
    await this.current(asOf);
    return this.state!.rows;
  }

  /** The rows of these ids (unknown ones left out), by id: no pass over the whole directory. */
  async byIds(ids: readonly { toString(): string }[], asOf?: number): Promise<Map<string, T>> {
    await this.current(asOf);
    const found = new Map<string, T>();
    for (const id of ids) {
      const row = this.state!.rows.get(String(id));
      if (row) found.set(String(id), row);
    }
    return found;
  }

  /** The rows sorted by `compare`, computed once per change of the directory (`key` names the order). */
  async sorted(key: string, compare: (a: T, b: T) => number, asOf?: number): Promise<readonly T[]> {
    await this.current(asOf);
    return this.view(`sorted:${key}`, () => [...this.state!.rows.values()].sort(compare));
  }

  /**
   * The rows grouped by `keyOf` (a row with several keys is in each group; with none, in none), built
   * once per change of the directory.
   */
  async groupedBy(
    key: string,
    keyOf: (row: T) => string | readonly string[] | null,
    asOf?: number,
  ): Promise<ReadonlyMap<string, readonly T[]>> {
    await this.current(asOf);
    return this.view(`group:${key}`, () => {
      const groups = new Map<string, T[]>();
      for (const row of this.state!.rows.values()) {
        const keys = keyOf(row);
        for (const k of keys === null ? [] : typeof keys === 'string' ? [keys] : keys) pushTo(groups, k, row);
      }
      for (const list of groups.values()) Object.freeze(list);
      return groups;
    });
  }

  private async current(asOf: number = requestStart.getStore() ?? Date.now()): Promise<void> {
    if (!this.state || Date.now() - this.state.loadedAt > CHANGE_RETENTION_MS / 2) await this.load();
    if (this.state!.seenAt < asOf) await catchUp(asOf);
    // Joined a full load that began before this request while a log read went by without it: read again.
    if (this.state!.seenAt < asOf) await catchUp(Date.now());
  }

  private view<V extends readonly T[] | ReadonlyMap<string, readonly T[]>>(key: string, make: () => V): V {
    if (this.viewsOf !== this.state) {
      this.views.clear();
      this.viewsOf = this.state;
    }
    let v = this.views.get(key) as V | undefined;
    if (!v) {
      v = make();
      Object.freeze(v);
      this.views.set(key, v);
    }
    return v;
  }

  /** Forgets what this process holds. */
  reset(): void {
    this.state = null;
  }

  get loadedSince(): number | null {
    return this.state ? this.state.seenAt : null;
  }

  /** The log head this directory has read up to (-1 when not loaded). */
  get headSeen(): number {
    return this.state ? this.state.head : -1;
  }

  private async load(): Promise<void> {
    // One full load at a time per directory; callers arriving meanwhile share it.
    this.loading ??= this.fullLoad().finally(() => (this.loading = null));
    this.state = await this.loading;
  }

  private async fullLoad(): Promise<State<T, S>> {
    // Read the log position first: a write landing during the scan is applied again next time.
    const startedAt = Date.now();
    const head = await logHead();
    const recent = await ChangeModel.find({ coll: this.coll, _id: { $gte: oidAt(startedAt - WINDOW_MS) } }, { _id: 1 }).lean();
    const rows = this.newStore();
    const interner = new Interner();
    for await (const d of this.loadAll()) rows.add(idKey(d._id), interner.row(d));
    return { rows, applied: new Set(recent.map((c) => String(c._id))), seenAt: startedAt, loadedAt: startedAt, head };
  }

  /** Nothing was logged since the last read: the directory is current as of `readAt`. */
  advance(readAt: number): void {
    if (this.state && !this.loading) this.state.seenAt = Math.max(this.state.seenAt, readAt);
  }

  /** Applies the log entries read at `readAt` (all collections'; this one picks its own). */
  async apply(entries: Entry[], readAt: number, head: number): Promise<void> {
    const current = this.state;
    if (!current || this.loading) return; // a full load under way reads everything itself
    const from = oidAt(current.seenAt - WINDOW_MS)
      .getTimestamp()
      .getTime();
    const mine = entries.filter((c) => c.coll === this.coll && c._id.getTimestamp().getTime() >= from);
    const fresh = mine.filter((c) => !current.applied.has(String(c._id)));
    const applied = new Set(mine.map((c) => String(c._id)));
    const ids = new Set<string>();
    for (const c of fresh) {
      if (c.all) return this.load();
      for (const id of c.ids) ids.add(idKey(id));
    }
    if (ids.size > MAX_INCREMENTAL) return this.load();
    // One read by _id each: the one lookup FerretDB answers without a scan.
    for (const id of ids) {
      const d = await this.loadOne(id);
      if (d) current.rows.set(id, d);
      else current.rows.delete(id);
    }
    if (this.state !== current) return;
    if (ids.size) this.state = { rows: current.rows, applied, seenAt: readAt, loadedAt: current.loadedAt, head };
    else Object.assign(current, { applied, seenAt: readAt, head }); // nothing changed: the derived views stay
  }
}

/** In a list ordered so that `before` holds for a prefix, the length of that prefix (binary search). */
export function countBefore<T>(list: readonly T[], before: (row: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------- one log read for every directory ----------

let pending: { startedAt: number; done: Promise<void> } | null = null;
let lastReadAt = 0;

/** Waits until a log read that started at or after `asOf` has been applied to every loaded directory. */
async function catchUp(asOf: number): Promise<void> {
  for (;;) {
    if (lastReadAt >= asOf) return;
    if (pending && pending.startedAt >= asOf) return pending.done;
    if (pending) {
      await pending.done.catch(() => undefined);
      continue;
    }
    const startedAt = Date.now();
    const done = readLog(startedAt).finally(() => (pending = null));
    pending = { startedAt, done };
    return done;
  }
}

async function readLog(startedAt: number): Promise<void> {
  const loaded = [...all].filter((d) => d.loadedSince !== null);
  if (loaded.length) {
    // The head first: an entry logged after this read moves it on, and is read next time.
    const head = await logHead();
    const behind = loaded.filter((d) => d.headSeen !== head);
    for (const d of loaded) if (d.headSeen === head) d.advance(startedAt);
    if (behind.length) {
      const since = Math.min(...behind.map((d) => d.loadedSince!)) - WINDOW_MS;
      const entries = await ChangeModel.find({ _id: { $gte: oidAt(since) } }).lean<Entry[]>();
      await Promise.all(behind.map((d) => d.apply(entries, startedAt, head)));
    }
  }
  lastReadAt = Math.max(lastReadAt, startedAt);
}

/** Forgets every directory's contents (tests, after the database is emptied behind the models). */
export function resetDirectories(): void {
  for (const d of all) d.reset();
  lastReadAt = 0;
}
