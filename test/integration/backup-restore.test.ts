import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import mongoose from 'mongoose';
import supertest from 'supertest';
import { BSON, type Db } from 'mongodb';
import { clearDatabase, connectTestDatabase } from '../helpers/db.js';
import { buildPortfolio, type Portfolio } from '../helpers/portfolio.js';
import { csrfFrom, PASSWORD } from '../helpers/app.js';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { runMigrations, SchemaTooNewError } from '../../src/db/migrate.js';
import { archivedCollections, writeBackup } from '../../src/backup/write.js';
import { restoreBackup } from '../../src/backup/restore.js';
import { ArchiveError } from '../../src/backup/read.js';

const uriOf = (name: string): string => {
  const url = new URL(process.env.MONGODB_URI!);
  url.pathname = `/${name}`;
  return url.toString();
};

/** Every document of every archived collection, as canonical EJSON in _id order. */
async function contents(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of await archivedCollections(db)) {
    const docs = (await db.collection(name).find().toArray()).map((d) => BSON.EJSON.stringify(d, { relaxed: false }));
    if (docs.length) out[name] = docs.sort();
  }
  return out;
}

const gunzipLines = (file: string): string[] => zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
const writeLines = (file: string, lines: string[]): void => fs.writeFileSync(file, zlib.gzipSync(lines.join('\n')));

describe('backup and restore', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-backup-'));
  const archive = path.join(dir, 'portfolio.jsonl.gz');
  const made: string[] = [];
  let portfolio: Portfolio;
  const freshDb = (): Db => {
    const name = `passerelle_restore_${Date.now()}_${made.length}`;
    made.push(name);
    return mongoose.connection.getClient().db(name);
  };
  const source = (): Db => mongoose.connection.db!;
  const collectionsOf = async (db: Db) => (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);

  before(async () => {
    await connectTestDatabase();
    await clearDatabase();
    portfolio = await buildPortfolio();
    await runMigrations(source());
    const r = await writeBackup(source(), archive);
    expect(r.counts.partners).to.be.greaterThan(10);
  });
  after(async () => {
    for (const name of made)
      await mongoose.connection
        .getClient()
        .db(name)
        .dropDatabase()
        .catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a portfolio backed up and restored into a fresh database: every collection equal document by document, sessions and change log left out', async () => {
    const target = freshDb();
    const r = await restoreBackup(target, archive);
    const [want, got] = [await contents(source()), await contents(target)];
    expect(Object.keys(got)).to.deep.equal(Object.keys(want));
    for (const name of Object.keys(want)) expect(got[name], name).to.deep.equal(want[name]);
    expect(r.counts.partners).to.equal(want.partners!.length);
    expect(r.migrated).to.deep.equal([]);
    const names = await collectionsOf(target);
    expect(names).to.not.include('sessions').and.not.include('change_log');
    expect((await target.collection('partners').listIndexes().toArray()).length).to.be.greaterThan(5);
  });

  it('a truncated archive: refused as truncated, and nothing is written', async () => {
    const cut = path.join(dir, 'cut.jsonl.gz');
    const bytes = fs.readFileSync(archive);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const target = freshDb();
    const err = await restoreBackup(target, cut).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ArchiveError);
    expect((err as Error).message).to.match(/is truncated/);
    expect(await collectionsOf(target)).to.deep.equal([]);
  });

  it('a byte flipped in the archive: refused as corrupted, and nothing is written', async () => {
    const flipped = path.join(dir, 'flipped.jsonl.gz');
    const bytes = Buffer.from(fs.readFileSync(archive));
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0xff;
    fs.writeFileSync(flipped, bytes);
    const target = freshDb();
    const err = await restoreBackup(target, flipped).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ArchiveError);
    expect((err as Error).message).to.match(/corrupted|truncated|checksum mismatch/);
    expect(await collectionsOf(target)).to.deep.equal([]);
  });

  it('a document changed inside a well-formed gzip: refused naming the collection whose checksum differs', async () => {
    const edited = path.join(dir, 'edited.jsonl.gz');
    const lines = gunzipLines(archive);
    const i = lines.findIndex((l) => l.includes('"nameFolded"'));
    lines[i] = lines[i]!.replace('"nameFolded":"', '"nameFolded":"x');
    writeLines(edited, lines);
    const target = freshDb();
    const err = await restoreBackup(target, edited).catch((e: unknown) => e);
    expect((err as Error).message).to.contain('checksum mismatch of collection partners');
    expect(await collectionsOf(target)).to.deep.equal([]);
  });

  it('an archive of a newer schema: refused, naming its version', async () => {
    const newer = path.join(dir, 'newer.jsonl.gz');
    const lines = gunzipLines(archive);
    lines[0] = JSON.stringify({ ...(JSON.parse(lines[0]!) as object), schemaVersion: '0999-from-the-future' });
    writeLines(newer, lines);
    const target = freshDb();
    const err = await restoreBackup(target, newer).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SchemaTooNewError);
    expect((err as Error).message).to.contain('0999-from-the-future');
    expect(await collectionsOf(target)).to.deep.equal([]);
  });

  it('a database with data: refused without force (nothing changed), replaced with force', async () => {
    const target = freshDb();
    await target.collection('partners').insertOne({ name: 'Already here' });
    await target.collection('leftovers').insertOne({ note: 'from another life' });
    const err = await restoreBackup(target, archive).catch((e: unknown) => e);
    expect((err as Error).message)
      .to.match(/not empty \(.*partners: 1/)
      .and.contain('--force');
    expect(await target.collection('partners').countDocuments()).to.equal(1);
    await restoreBackup(target, archive, { force: true });
    expect(await contents(target)).to.deep.equal(await contents(source()));
    expect(await collectionsOf(target)).to.not.include('leftovers');
  });

  describe('a server on the restored database', () => {
    const servers: ChildServer[] = [];
    after(() => servers.forEach((s) => s.child.kill('SIGTERM')));

    async function pages(server: ChildServer, urls: string[]): Promise<string[]> {
      const agent = supertest.agent(server.url);
      const _csrf = await csrfFrom(agent, '/login');
      const login = await agent.post('/login').type('form').send({ email: portfolio.manager.email, password: PASSWORD, _csrf });
      expect(login.status).to.equal(302);
      const out: string[] = [];
      for (const url of urls) {
        const res = await agent.get(url);
        expect(res.status, url).to.equal(200);
        // What differs between two servers on the same data: per-response tokens and nonces.
        out.push(
          res.text
            .replace(/name="_csrf" value="[^"]+"|_csrf=[^"&]+|data-csrf="[^"]+"/g, '')
            .replace(/nonce="[^"]+"/g, '')
            .replace(/127\.0\.0\.1:\d+/g, ''),
        );
      }
      return out;
    }

    it('serves the same dashboard and partner pages, with the same figures, as one on the original', async () => {
      const target = freshDb();
      await restoreBackup(target, archive);
      const partner = String(portfolio.partnerIds[0]);
      const urls = ['/dashboard?owner=all', `/partners/${partner}`, '/partners', '/agreements'];
      const original = await startChildServer(uriOf(source().databaseName), { SCHEDULER: 'off' });
      servers.push(original);
      const restored = await startChildServer(uriOf(target.databaseName), { SCHEDULER: 'off' });
      servers.push(restored);
      const [a, b] = [await pages(original, urls), await pages(restored, urls)];
      for (let i = 0; i < urls.length; i++) expect(b[i], urls[i]).to.equal(a[i]);
      expect(a[0]).to.match(/\d/);
    });
  });
});
