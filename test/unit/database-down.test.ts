import { createRequire } from 'node:module';
import { expect } from 'chai';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { isDatabaseDown } from '../../src/http/error-handler.js';

// The errors the driver raises while the database is gone answer 503 (try again), never 500. A
// request waiting for a connection when the pool is cleared (the database was killed under load)
// gets the driver's pool-cleared error, not a network error by name.
const require = createRequire(import.meta.url);
const { PoolClearedError, PoolClosedError } = require('mongodb/lib/cmap/errors.js') as {
  PoolClearedError: new (pool: { address: string; serverError?: Error }) => Error;
  PoolClosedError: new (pool: { address: string }) => Error;
};

describe('a database that is down is told apart from a bug', () => {
  const pool = { address: '127.0.0.1:27017', serverError: new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017') };

  it('counts the pool-cleared and pool-closed errors, and network errors whatever their message, as the database down', () => {
    expect(isDatabaseDown(new PoolClearedError(pool))).to.equal(true);
    expect(isDatabaseDown(new PoolClosedError(pool))).to.equal(true);
    expect(isDatabaseDown(new MongoNetworkError('read ECONNRESET'))).to.equal(true);
    expect(
      isDatabaseDown(new MongoServerSelectionError('Server selection timed out after 3000 ms', { servers: new Map() } as never)),
    ).to.equal(true);
  });

  it('finds the database down under a wrapping error (its cause)', () => {
    expect(isDatabaseDown(new Error('session store failed', { cause: new PoolClearedError(pool) }))).to.equal(true);
  });

  it('does not count a server refusal or a plain bug as the database down', () => {
    expect(isDatabaseDown(new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 }))).to.equal(false);
    expect(isDatabaseDown(new TypeError("Cannot read properties of undefined (reading 'name')"))).to.equal(false);
  });
});
