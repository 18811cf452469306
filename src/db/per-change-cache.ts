// Results derived from the whole portfolio (the steering dashboard: a pass over every partner,
// agreement, stage change, task and progress check) are computed once per change of the data and
// shared by every request that asks the same question meanwhile, including requests that arrive
// while the first is still computing. A change is any logged write (the change log's head moves) or
// any change of a directory's rows; what no log covers (the clock) is at most `maxAgeMs` old.
import { LRUCache } from 'lru-cache';
import { catchUp, dataVersion, onDirectoriesReset, requestStartedAt } from './log-readers.js';

export interface PerChangeCache<T> {
  /** The value for `key` as of this request's data, computed by `make` if this version has none yet. */
  get(key: string, make: () => Promise<T>): Promise<T>;
}

export function perChangeCache<T extends object>(opts: { max: number; maxAgeMs: number }): PerChangeCache<T> {
  const cache = new LRUCache<string, Promise<T>>({ max: opts.max, ttl: opts.maxAgeMs });
  onDirectoriesReset(() => cache.clear());
  return {
    async get(key, make) {
      // The version as of this request's start (a GET) or of now: a write made before it is seen.
      await catchUp(requestStartedAt() ?? Date.now());
      const versioned = `${dataVersion()}|${key}`;
      let value = cache.get(versioned);
      if (!value) {
        value = make();
        cache.set(versioned, value);
        // A failure is not kept: the next request tries again.
        value.catch(() => cache.get(versioned) === value && cache.delete(versioned));
      }
      return value;
    },
  };
}
