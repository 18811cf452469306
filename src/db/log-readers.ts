// The one read of the change log (change-log.ts) that keeps every in-memory directory
// (directory.ts) current: a request, or the server's background tick, waits for a read that started
// after its own start; one read serves every directory and every request waiting meanwhile.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { Types } from 'mongoose';
import { ChangeModel, logHead } from './change-log.js';

/**
 * Log entries from several processes are not written in _id order (an ObjectId orders by second,
 * then by process), and an entry may commit a moment after its _id was made: each read re-reads the
 * last seconds and skips the entries it already applied.
 */
export const WINDOW_MS = 10_000;

export interface Entry {
  _id: Types.ObjectId;
  coll: string;
  /** Packed (change-log.ts): read them with unpackIds. */
  ids: Uint8Array | { buffer: Uint8Array } | Types.ObjectId[];
  all?: boolean;
}

/** What the shared log read needs of each directory. */
export interface LogReader {
  readonly coll: string;
  warm(): Promise<number>;
  readonly loadedSince: number | null;
  readonly headSeen: number;
  advance(readAt: number): void;
  apply(entries: Entry[], readAt: number, head: number): Promise<void>;
  reset(): void;
}
const all = new Set<LogReader>();

/** Every directory registers itself when made (at import), so the log read and the warm-up reach it. */
export const registerDirectory = (d: LogReader): void => void all.add(d);

export const oidAt = (ms: number) => Types.ObjectId.createFromTime(Math.floor(ms / 1000));
const requestStart = new AsyncLocalStorage<number>();

/** The time this GET request began, if the call is made while answering one. */
export const requestStartedAt = (): number | undefined => requestStart.getStore();

/**
 * Directories read while answering a GET see every change logged before the request began. Mount
 * early. Other methods (which write, then may read) and code outside requests read as of each call.
 */
export const directoriesAsOfRequest: RequestHandler = (req, _res, next) =>
  req.method === 'GET' || req.method === 'HEAD' ? requestStart.run(Date.now(), next) : next();

/** Runs fn with every directory read as of now (one log read for all), as a GET request does. */
export const readingAsOfNow = <T>(fn: () => Promise<T>): Promise<T> => requestStart.run(Date.now(), fn);

let pending: { startedAt: number; done: Promise<void> } | null = null;
let lastReadAt = 0;

// The version of the data this process reads: moves on with the log head (any logged write, including
// collections no directory holds) and whenever a directory's rows change. Results derived from the
// whole portfolio are cached under it (per-change-cache.ts).
let version = 0;
let lastHead = -1;
const resetListeners: (() => void)[] = [];

/** The data version as of the last log read (read it after catchUp). */
export const dataVersion = (): number => version;
/** A directory's rows changed (a write applied, a snapshot installed). */
export const noteDataChanged = (): void => void version++;
/** Runs fn whenever the directories are reset (tests empty the database behind the models). */
export const onDirectoriesReset = (fn: () => void): void => void resetListeners.push(fn);

/** Waits until a log read that started at or after `asOf` has been applied to every loaded directory. */
export async function catchUp(asOf: number): Promise<void> {
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
  // The head first: an entry logged after this read moves it on, and is read next time. Read even with
  // no directory loaded: the data version (per-change caches) follows it.
  const head = await logHead();
  if (head !== lastHead) noteDataChanged();
  lastHead = head;
  if (loaded.length) {
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

let failureListener = (_coll: string, _err: unknown): void => undefined;
/** Reports a failed background load (the current snapshot keeps serving). */
export const backgroundFailure = (coll: string, err: unknown): void => failureListener(coll, err);

/**
 * Loads every directory not loaded yet, all at once; `log` hears each collection's time. The server
 * calls it before it reports ready, so that no user's request waits for a full load.
 */
export async function warmDirectories(log: (coll: string, ms: number) => void): Promise<void> {
  await Promise.all([...all].map(async (d) => log(d.coll, await d.warm())));
}

/**
 * Applies the log to the loaded directories every `everyMs` (one read of the log head when nothing
 * changed), so that a request finds them current and a large write is applied as it is written.
 * `onError` hears a failed read or background load. Returns the function that stops it.
 */
export function keepDirectoriesCurrent(everyMs: number, onError: (coll: string, err: unknown) => void): () => void {
  failureListener = onError;
  let running = false;
  let failing = false; // one report per outage, not one a second
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    catchUp(Date.now())
      .then(
        () => (failing = false),
        (err: unknown) => {
          if (!failing) onError('change_log', err);
          failing = true;
        },
      )
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    // Stopping: a load still running fails when the database closes under it, as expected.
    failureListener = () => undefined;
  };
}

/** Forgets every directory's contents (tests, after the database is emptied behind the models). */
export function resetDirectories(): void {
  for (const d of all) d.reset();
  lastReadAt = 0;
  lastHead = -1;
  version++;
  for (const fn of resetListeners) fn();
}
