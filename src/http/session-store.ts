// The session store: connect-mongo, reading a session by its _id alone.
// connect-mongo's get() filters on the _id AND on the expiry (an $or). FerretDB 1.24 on SQLite answers
// only a bare _id equality from its index: with the $or it read and decoded every stored session on
// every request (measured: page throughput fell sixteenfold once the benchmark's anonymous sign-in
// page visits had left a few thousand sessions). This store reads by _id and checks the expiry itself.
import MongoStore from 'connect-mongo';
import type { SessionData } from 'express-session';
import type { Collection } from 'mongodb';

interface StoredSession {
  _id: string;
  session: unknown;
  expires?: Date;
  lastModified?: Date;
}

/** What get() uses of connect-mongo's instance (private in its types). */
interface Internals {
  collectionP: Promise<Collection<StoredSession>>;
  computeStorageId(sid: string): string;
  transformFunctions: { unserialize(payload: unknown): SessionData & { lastModified?: Date } };
  options: { touchAfter: number };
}

export class SessionStore extends MongoStore {
  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    const self = this as unknown as Internals;
    void (async () => {
      try {
        const doc = await (await self.collectionP).findOne({ _id: self.computeStorageId(sid) });
        if (!doc || (doc.expires && doc.expires.getTime() <= Date.now())) return callback(null, null);
        const result = self.transformFunctions.unserialize(doc.session);
        if (self.options.touchAfter > 0 && doc.lastModified) result.lastModified = doc.lastModified;
        this.emit('get', sid);
        callback(null, result);
      } catch (err) {
        callback(err);
      }
    })();
  }
}
