import { expect } from 'chai';
import mongoose from 'mongoose';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { connectTestDatabase } from '../helpers/db.js';
import { startChildServer } from '../helpers/child-server.js';
import { runMigrations, schemaVersion, SchemaTooNewError } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
import type { Migration } from '../../src/db/migrations/types.js';

const uriOf = (name: string): string => {
  const url = new URL(process.env.MONGODB_URI!);
  url.pathname = `/${name}`;
  return url.toString();
};

describe('schema migrations', () => {
  const made: string[] = [];
  const clients: MongoClient[] = [];
  const freshDb = (): Db => {
    const name = `passerelle_mig_${Date.now()}_${made.length}`;
    made.push(name);
    return mongoose.connection.getClient().db(name);
  };
  before(connectTestDatabase);
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const name of made)
      await mongoose.connection
        .getClient()
        .db(name)
        .dropDatabase()
        .catch(() => undefined);
  });

  it('two runners started together on separate connections: each migration applied once, recorded once with its time', async () => {
    const db = freshDb();
    const runs: Record<string, number> = {};
    const counted: Migration[] = ['0001-a', '0002-b', '0003-c'].map((name) => ({
      name,
      async up({ context }) {
        runs[name] = (runs[name] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, 150));
        await context.db.collection('effects').insertOne({ name });
      },
    }));
    const [a, b] = [new MongoClient(uriOf(db.databaseName)), new MongoClient(uriOf(db.databaseName))];
    clients.push(a, b);
    const [ra, rb] = await Promise.all([runMigrations(a.db(), counted), runMigrations(b.db(), counted)]);
    expect(runs).to.deep.equal({ '0001-a': 1, '0002-b': 1, '0003-c': 1 });
    expect(await db.collection('effects').countDocuments()).to.equal(3);
    const records = await db.collection('migrations').find().sort({ _id: 1 }).toArray();
    expect(records.map((r) => r.name as string)).to.deep.equal(['0001-a', '0002-b', '0003-c']);
    expect(records.every((r) => r.appliedAt instanceof Date)).to.equal(true);
    expect([...ra.applied, ...rb.applied].sort()).to.deep.equal(['0001-a', '0002-b', '0003-c']);
    expect([ra.version, rb.version]).to.deep.equal(['0003-c', '0003-c']);
    expect(await db.collection('claims').countDocuments()).to.equal(0);
  });

  it('the real migrations on a database of the previous schema: interaction days, partner search copies and indexes are there after', async () => {
    const db = freshDb();
    const partnerId = new ObjectId();
    // Documents as the previous versions wrote them: no `day`, no folded copies.
    await db.collection('partners').insertOne({
      _id: partnerId,
      name: 'Centre Élan Québec',
      website: 'https://www.elan.example/',
      contacts: [{ name: 'Hélène Côté', email: 'helene@elan.example' }],
      resources: [{ category: 'internship' }, { category: 'internship' }],
      archived: false,
      rev: 0,
    });
    await db.collection('partnerinteractions').insertMany([
      { partnerId, kind: 'call', date: new Date('2025-03-09T12:00:00Z'), summary: 'First call' },
      { partnerId, kind: 'note', day: '2025-04-01', date: new Date('2025-04-01T12:00:00Z'), summary: 'Already a day' },
    ]);
    const run = await runMigrations(db);
    expect(run.applied).to.deep.equal(migrations.map((m) => m.name));
    const p = await db.collection('partners').findOne({ _id: partnerId });
    expect(p).to.include({ nameFolded: 'centre elan quebec', websiteFolded: 'elan.example' });
    expect(p!.searchFolded).to.contain('helene cote').and.contain('helene@elan.example');
    expect(p!.resourceCategories).to.deep.equal(['internship']);
    const days = (await db.collection('partnerinteractions').find().sort({ date: 1 }).toArray()).map((r) => r.day as string);
    expect(days).to.deep.equal(['2025-03-09', '2025-04-01']);
    const indexNames = (await db.collection('partners').listIndexes().toArray()).map((i) => i.name as string);
    expect(indexNames).to.include('websiteFolded_1');
    // Run again (a restart): nothing to do.
    expect((await runMigrations(db)).applied).to.deep.equal([]);
  });

  it('a database whose schema is newer than the code: the runner and the server refuse it, naming both versions', async () => {
    const db = freshDb();
    await runMigrations(db);
    await db
      .collection('migrations')
      .insertOne({ _id: '0999-from-the-future' as unknown as ObjectId, name: '0999-from-the-future', appliedAt: new Date() });
    const latest = migrations.at(-1)!.name;
    const err = await runMigrations(db).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SchemaTooNewError);
    expect((err as Error).message)
      .to.contain('0999-from-the-future')
      .and.contain(latest);
    expect(await schemaVersion(db)).to.equal('0999-from-the-future');
    const failed = await startChildServer(uriOf(db.databaseName), { SCHEDULER: 'off' }).catch((e: unknown) => e as Error);
    expect(failed).to.be.instanceOf(Error);
    expect((failed as Error).message)
      .to.contain('server did not start')
      .and.contain('0999-from-the-future')
      .and.contain(latest);
  });
});
