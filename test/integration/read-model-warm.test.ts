import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import supertest from 'supertest';
import { MongoClient } from 'mongodb';
import { makeApp } from '../helpers/app.js';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { setReadModelState } from '../../src/health.js';

// A restarted server loads its in-memory read model before it says it is ready, so that no user's
// first page waits for a full load of a collection (src/db/log-readers.ts, src/server.ts).
const root = path.resolve(import.meta.dirname, '../..');
const collections = ['partners', 'partnerstagechanges', 'agreements', 'kpimeasurements', 'meetings'];

describe('read model: loaded at start, /healthz says warming until then', function () {
  this.timeout(180_000);
  let server: ChildServer | null = null;
  const dbUri = (() => {
    const u = new URL(process.env.MONGODB_URI!);
    u.pathname = `/warm_${Date.now()}`;
    return u.toString();
  })();

  before(async () => {
    // The demo portfolio, seeded by the real seed script into a database of this test's own.
    const { MONGODB_URI: _harness, ...env } = process.env;
    const seed = spawn(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--partners', '30', '--meetings', '3'], {
      cwd: root,
      env: { ...env, MONGODB_URI: dbUri },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    seed.stderr.on('data', (d: Buffer) => (output += d.toString()));
    expect(await new Promise<number | null>((r) => seed.once('exit', r)), output).to.equal(0);
    server = await startChildServer(dbUri, { SCHEDULER: 'off' });
  });
  after(async () => {
    server?.child.kill('SIGTERM');
    if (server) await server.exited;
    const client = new MongoClient(dbUri);
    await client.db().dropDatabase();
    await client.close();
  });

  it('listens first, logs each collection it loads with its time, and reports ready after the last one', () => {
    const lines = server!.lines;
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at('Listening on'), lines.join('\n')).to.be.greaterThan(-1);
    for (const coll of collections) {
      const i = at(`Read model: ${coll} loaded in`);
      expect(i, `${coll}\n${lines.join('\n')}`).to.be.greaterThan(at('Listening on'));
      expect(i).to.be.lessThan(at('is ready on'));
    }
  });

  it('answers /healthz 200 once ready, and the first pages read none of the collections the read model holds', async () => {
    const health = await fetch(`${server!.url}/healthz`);
    expect(health.status).to.equal(200);
    expect(await health.json()).to.include({ status: 'ok', readModel: 'ready' });
    const agent = supertest.agent(server!.url);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/login')).text)![1]!;
    const login = await agent
      .post('/login')
      .type('form')
      .send({ email: 'admin@passerelle.local', password: 'passerelle-demo-2026', _csrf: csrf });
    expect(login.status).to.equal(302);
    const reads = async (url: string) => {
      const res = await agent.get(url).set('X-Count-Db-Commands', '1');
      expect(res.status, url).to.equal(200);
      return String(res.headers['x-db-reads']).split(',');
    };
    // Before, each first page loaded the directories it reads inside the request (a find and its
    // getMores each). Now none of their collections is read by a page: they were loaded at start.
    const directories = ['partners', 'partnerstagechanges', 'agreements', 'kpimeasurements', 'meetings'];
    for (const url of ['/partners', '/dashboard?owner=all', '/meetings/calendar', '/agreements']) {
      const first = await reads(url);
      for (const d of directories) expect(first, `${url}: the collections its first request read`).to.not.include(d);
    }
    // A partner's page reads its document by id: the header does name what a request reads.
    const partnerId = /href="\/partners\/([a-f0-9]{24})"/.exec((await agent.get('/partners')).text)![1]!;
    expect(await reads(`/partners/${partnerId}`)).to.include('partners');
  });
});

describe('/healthz while the read model loads', () => {
  after(() => setReadModelState('ready'));

  it('answers 503 with status "warming", so a load balancer waits, then 200', async () => {
    const app = await makeApp();
    setReadModelState('warming');
    const warming = await supertest(app).get('/healthz');
    expect(warming.status).to.equal(503);
    expect(warming.body).to.include({ status: 'warming', readModel: 'warming', database: 'up' });
    setReadModelState('ready');
    const ready = await supertest(app).get('/healthz');
    expect(ready.status).to.equal(200);
    expect(ready.body).to.include({ status: 'ok', readModel: 'ready' });
  });
});
