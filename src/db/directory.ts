// In-memory directories of collections' listed fields, held by each process and kept current
// through the change log (change-log.ts). Lists, filters, counts and sorts are then computed in
// memory, so a request costs the same few database commands however large the collection.
// FerretDB 1.24 (the embedded database) uses no index for a filter or a sort and decodes every
// document of the collection; reading only what changed avoids that scan on every page.
//
// Freshness: every read applies the log as of the start of the current request (or of the call,
// outside a request), so a user's own change, written before their redirect, is always in what they
// see next. One log read serves every directory and every request that began before it started.
//
// No request waits for a full load once a process is warm: the server loads every directory at start
// (warmDirectories) and applies the log in the background (keepDirectoriesCurrent), so a request only
// applies the last moment's changes. A change too large to apply row by row, and the periodic
// safety reload, load a new snapshot in the background while the previous one keeps serving.
import type { Types } from 'mongoose';
import { mongo } from 'mongoose';
import pMap from 'p-map';
import { comparatorOf, matcher, type Filter, type Page, type SortSpec } from './query.js';
import { changeRetentionMs, ChangeModel, logHead, unpackIds } from './change-log.js';
import {
  backgroundFailure,
  catchUp,
  noteDataChanged,
  oidAt,
  registerDirectory,
  requestStartedAt,
  WINDOW_MS,
  type Entry,
  type LogReader,
} from './log-readers.js';

const { EJSON } = mongo.BSON;

// The process-wide parts (request freshness, warm-up, background tick, reset) live with the log read.
export { directoriesAsOfRequest, keepDirectoriesCurrent, readingAsOfNow, resetDirectories, warmDirectories } from './log-readers.js';
import { idKey, Interner } from './intern.js';
import { pushTo } from '../util/group.js';

/** Documents per batch of a full load's cursor. */
export const LOAD_BATCH = 1000;
/** Applies at most this many changed documents one by one; more, and the directory reloads in the background. */
const MAX_INCREMENTAL = 2000;
/** Changed documents read at once (each by _id, the one lookup FerretDB answers without a scan). */
const LOOKUP_CONCURRENCY = 8;
/** Derived views (sorted lists, query results) kept per state before they are dropped and made again. */
const MAX_VIEWS = 200;
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

export class Directory<T extends { _id: Types.ObjectId }, S extends RowStore<T> = MapStore<T>> implements LogReader {
  private state: State<T, S> | null = null;
  private loading: Promise<State<T, S>> | null = null;
  /** Derived views of the current state (the row list, sorted lists), dropped whenever it changes. */
  private views = new Map<string, readonly T[] | ReadonlyMap<string, readonly T[]>>();
  private viewsOf: State<T, S> | null = null;
  /** Counts resets: a load that began before one is not installed after it. */
  private generation = 0;

  constructor(
    readonly coll: string,
    /** Every document, read by a cursor: each is interned as it comes, so a full load never holds two copies. */
    private readonly loadAll: () => AsyncIterable<T>,
    private readonly loadOne: (id: string) => Promise<T | null>,
    private readonly newStore: () => S = () => new MapStore<T>() as unknown as S,
  ) {
    registerDirectory(this);
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
   * The rows matching a MongoDB filter (src/db/query.ts), in the sort's order: the same query the
   * database answers for the exports. Computed once per change of the directory and query.
   */
  async matching(filter: Filter, sort: SortSpec, asOf?: number): Promise<readonly T[]> {
    const sortKey = EJSON.stringify(sort);
    const ordered = await this.sorted(sortKey, comparatorOf<T>(sort), asOf);
    if (!Object.keys(filter).length) return ordered;
    if (this.views.size > MAX_VIEWS) this.views.clear(); // many distinct queries since the last change
    // EJSON tells an ObjectId, a date and a string apart, so two different filters never share a key.
    return this.view(`match:${sortKey}:${EJSON.stringify(filter)}`, () => ordered.filter(matcher<T>(filter)));
  }

  /** One page of `matching`, with the number of rows that match. */
  async list(filter: Filter, sort: SortSpec, page: Page, asOf?: number): Promise<{ items: T[]; total: number }> {
    const all = await this.matching(filter, sort, asOf);
    return { items: all.slice((page.page - 1) * page.perPage, page.page * page.perPage), total: all.length };
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

  private async current(asOf: number = requestStartedAt() ?? Date.now()): Promise<void> {
    // Log entries older than the retention may be purged: a state that has not read the log for that
    // long cannot catch up, and must load again before answering (a process kept current never does).
    if (!this.state || Date.now() - this.state.seenAt > changeRetentionMs() * 0.9) await this.load();
    else if (Date.now() - this.state.loadedAt > changeRetentionMs() / 2) this.reloadInBackground();
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

  /** Serves a new state; what was derived from the rows (here and in caches of the data version) is made again. */
  private install(state: NonNullable<typeof this.state>): void {
    this.state = state;
    noteDataChanged();
  }

  /** Forgets what this process holds. */
  reset(): void {
    this.state = null;
    this.loading = null;
    this.generation += 1; // a load under way read what is now forgotten: it must not come back
  }

  get loadedSince(): number | null {
    return this.state ? this.state.seenAt : null;
  }

  /** The log head this directory has read up to (-1 when not loaded). */
  get headSeen(): number {
    return this.state ? this.state.head : -1;
  }

  /** Loads every row now (a first load, or a state too old to catch up): callers wait for it. */
  private async load(): Promise<void> {
    const generation = this.generation;
    const loaded = await this.startLoad();
    if (generation === this.generation) this.install(loaded);
    else await this.load();
  }

  /** Loads a new snapshot while the current one keeps serving (and keeps applying the log). */
  private reloadInBackground(): void {
    if (this.loading) return;
    const generation = this.generation;
    this.startLoad().then(
      (s) => {
        if (generation === this.generation) this.install(s);
      },
      // The current snapshot stays; the next read or tick tries again.
      (err: unknown) => backgroundFailure(this.coll, err),
    );
  }

  // One full load at a time per directory; callers arriving meanwhile share it.
  private startLoad(): Promise<State<T, S>> {
    if (this.loading) return this.loading;
    const loading: Promise<State<T, S>> = this.fullLoad().finally(() => {
      if (this.loading === loading) this.loading = null;
    });
    return (this.loading = loading);
  }

  /** Loads the directory if it is not loaded yet; resolves with the time it took (ms). */
  async warm(): Promise<number> {
    const t0 = Date.now();
    if (!this.state) await this.load();
    return Date.now() - t0;
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
    if (this.state) this.state.seenAt = Math.max(this.state.seenAt, readAt);
  }

  /** Applies the log entries read at `readAt` (all collections'; this one picks its own). */
  async apply(entries: Entry[], readAt: number, head: number): Promise<void> {
    // While a background load runs, the serving snapshot keeps applying the log; the new snapshot
    // reads again, from its own start, what the log holds (re-reading a row is harmless).
    const current = this.state;
    if (!current) return; // a first load under way reads everything itself
    const from = oidAt(current.seenAt - WINDOW_MS)
      .getTimestamp()
      .getTime();
    const mine = entries.filter((c) => c.coll === this.coll && c._id.getTimestamp().getTime() >= from);
    const fresh = mine.filter((c) => !current.applied.has(String(c._id)));
    const applied = new Set(mine.map((c) => String(c._id)));
    const ids = new Set<string>();
    let everything = false;
    for (const c of fresh) {
      if (c.all) everything = true;
      for (const key of unpackIds(c.ids)) ids.add(key);
    }
    // Too large to apply row by row: a new snapshot loads in the background. Until it is in, the
    // current one serves, with the smaller writes of this read applied, and marked as read up to here
    // so that later small writes still apply to it.
    if (everything || ids.size > MAX_INCREMENTAL) this.reloadInBackground();
    if (ids.size > MAX_INCREMENTAL) return void Object.assign(current, { applied, seenAt: readAt, head });
    const found = await pMap(ids, (id) => this.loadOne(id), { concurrency: LOOKUP_CONCURRENCY });
    if (this.state !== current) return; // a new snapshot replaced it meanwhile: it has read these rows
    [...ids].forEach((id, i) => {
      const d = found[i];
      if (d) current.rows.set(id, d);
      else current.rows.delete(id);
    });
    if (ids.size) this.install({ rows: current.rows, applied, seenAt: readAt, loadedAt: current.loadedAt, head });
    else Object.assign(current, { applied, seenAt: readAt, head }); // nothing changed: the derived views stay
  }
}
