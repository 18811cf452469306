import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import supertest from 'supertest';
import { startChildServer as startServer, type ChildServer as Server } from '../helpers/child-server.js';
import { freePort, startDatabase, type RunningDatabase } from '../../src/db/embedded.js';

const root = path.resolve(import.meta.dirname, '../..');

const health = async (url: string) => {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as { database: string; scheduler: string } };
};

/** GETs the url again and again on one keep-alive connection, until the server stops answering. */
async function keepSending(url: string, statuses: number[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (;;) {
      const status = await new Promise<number | null>((resolve) => {
        http
          .get(url, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
            res.on('error', () => resolve(null));
          })
          .on('error', () => resolve(null));
      });
      if (status === null) return;
      statuses.push(status);
    }
  } finally {
    agent.destroy();
  }
}

/** The server's last log lines, for a failure message. */
const serverTail = (server: Server) => `server's last lines:\n${server.lines.slice(-25).join('\n')}`;

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last = await probe();
  while (!ok(last) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    last = await probe();
  }
  return last;
}

describe('faults: the database stops under a running server; SIGTERM', function () {
  this.timeout(120_000);
  let dataDir: string;
  let port: number;
  let db: RunningDatabase | null = null;
  let server: Server | null = null;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-faults-'));
    port = await freePort();
    db = await startDatabase({ dataDir, ferretdbPort: port, log: () => undefined });
    server = await startServer(`mongodb://127.0.0.1:${port}/faults`);
  });
  after(async () => {
    server?.child.kill('SIGKILL');
    await db?.stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a clear 503 page while the database is down, pauses the scheduler, and recovers by itself', async () => {
    expect((await health(server!.url)).body).to.include({ database: 'up', scheduler: 'running' });
    const first = await fetch(`${server!.url}/login`);
    expect(first.status).to.equal(200);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;

    await db!.stop();
    db = null;
    const down = await until(
      () => health(server!.url),
      (h) => h.body.database === 'down' && h.body.scheduler === 'paused',
    );
    expect(down.status).to.equal(503);
    expect(down.body).to.include({ database: 'down', scheduler: 'paused' });
    const page = await fetch(`${server!.url}/login`, { headers: { 'Accept-Language': 'en' } });
    expect(page.status).to.equal(503);
    const html = await page.text();
    expect(html)
      .to.match(/<html/i)
      .and.not.match(/MongoServerSelectionError|stack|at \w+ \(/);
    // Compressed answers too: the whole 503 page, not a cut-off gzip stream or an empty brotli one.
    for (const encoding of ['gzip', 'br', 'deflate']) {
      for (const headers of [{}, { cookie }] as Record<string, string>[]) {
        const res = await fetch(`${server!.url}/login`, { headers: { ...headers, 'Accept-Language': 'en', 'Accept-Encoding': encoding } });
        expect(res.status, encoding).to.equal(503);
        const text = await res.text();
        expect(text, `${encoding} ${JSON.stringify(headers)}`)
          .to.match(/<\/html>\s*$/i)
          .and.not.match(/errors:/);
      }
    }

    db = await startDatabase({ dataDir, ferretdbPort: port, log: () => undefined });
    const back = await until(
      () => health(server!.url),
      (h) => h.body.database === 'up' && h.body.scheduler === 'running',
    );
    // Seen once in CI (not reproduced since): the database back, the server still reporting it down
    // after 30 s. On a failure, the server's last lines say what it saw.
    expect(back.body, serverTail(server!)).to.include({ database: 'up', scheduler: 'running' });
    expect((await fetch(`${server!.url}/login`)).status).to.equal(200);
  });

  it('logs JSON lines (pino) with a request id on every request line', () => {
    const requests = server!.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { req?: { id?: string }; res?: unknown })
      .filter((l) => l.req);
    expect(requests.length).to.be.greaterThan(3);
    expect(requests.every((l) => typeof l.req!.id === 'string' && l.req!.id.length > 10)).to.equal(true);
  });

  it('SIGTERM: finishes the request in flight, stops accepting, closes the database and mail pool, exits 0 within seconds', async () => {
    // A request whose body is still arriving when the signal comes.
    const body = 'email=a%40b.org&password=x';
    const req = http.request(`${server!.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
    });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (r) => {
        r.resume();
        resolve(r.statusCode!);
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 8));
    // And keep-alive clients that go on sending requests on their open connections throughout.
    const statuses: number[] = [];
    const clients = Array.from({ length: 4 }, () => keepSending(`${server!.url}/login`, statuses));
    // Until each client has had answers (on a loaded machine the first ones take a while).
    for (let i = 0; i < 100 && statuses.length < 4; i++) await new Promise((r) => setTimeout(r, 100));
    const sentBefore = statuses.length;
    const t0 = Date.now();
    const linesBefore = server!.lines.length;
    server!.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    req.end(body.slice(8));
    // Answered (403: no CSRF token), not cut off.
    expect(await answered).to.equal(403);
    const code = await server!.exited;
    expect(code).to.equal(0);
    expect(Date.now() - t0).to.be.lessThan(8000);
    await Promise.all(clients);
    // Every request the server took was answered in full, none with a 5xx from a database closed under it.
    expect(sentBefore, serverTail(server!)).to.be.greaterThan(0);
    expect(statuses.filter((s) => s >= 400)).to.deep.equal([]);
    expect(new Set(statuses).size).to.equal(1);
    const errors = server!.lines.slice(linesBefore).filter((l) => l.startsWith('{') && (JSON.parse(l) as { level: number }).level >= 50);
    expect(errors).to.deep.equal([]);
    expect(server!.lines.some((l) => l.includes('stopped'))).to.equal(true);
    let refused = false;
    await fetch(`${server!.url}/login`).catch(() => (refused = true));
    expect(refused).to.equal(true);
    server = null;
  });
});

describe('faults: the embedded database a server runs itself', function () {
  this.timeout(180_000);
  let dataDir: string;
  let dbPort: number;
  let server: Server | null = null;
  const dbPid = () => Number(fs.readFileSync(path.join(dataDir, 'ferretdb', 'ferretdb.pid'), 'utf8'));

  before(async function () {
    if (process.env.PATH?.split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, 'mongod')))) this.skip();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-faults-embedded-'));
    dbPort = await freePort();
    server = await startServer({ dataDir, ferretdbPort: dbPort });
  });
  after(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('kill -9 of the database under load: the server restarts it and recovers, with 503s at worst and no restart of its own', async () => {
    const first = dbPid();
    const statuses: number[] = [];
    const stop = Date.now() + 6000;
    const load = (async () => {
      while (Date.now() < stop) {
        const res = await fetch(`${server!.url}/login`).catch(() => null);
        statuses.push(res?.status ?? 0);
        await res?.text();
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    process.kill(first, 'SIGKILL');
    await load;
    const back = await until(
      () => health(server!.url),
      (h) => h.body.database === 'up',
    );
    expect(back.body, serverTail(server!)).to.include({ database: 'up' });
    expect(dbPid()).to.not.equal(first);
    expect(server!.child.exitCode).to.equal(null);
    expect(server!.lines.join('\n')).to.include('restarting it');
    // Every request was answered: the page, or the clear 503 while the database came back.
    expect(
      statuses.filter((s) => s !== 200 && s !== 503),
      server!.lines
        .filter((l) => l.includes('"level":50'))
        .slice(-3)
        .join('\n'),
    ).to.deep.equal([]);
    expect((await fetch(`${server!.url}/login`)).status).to.equal(200);
  });

  it('SIGKILL mid-import, then a restart: the half-written import is rolled back, and its page says so', async () => {
    const agent = supertest.agent(server!.url);
    const token = async (path: string) => /name="_csrf" value="([^"]+)"/.exec((await agent.get(path)).text)![1]!;
    const password = 'Kiwi-Tango-Lantern-93'; // the policy refuses the app's own name
    // The token first: the agent attaches its cookies when a request is made, not when it is sent.
    const setupToken = await token('/setup');
    const setup = await agent.post('/setup').type('form').send({
      name: 'Ada Admin',
      email: 'ada@example.org',
      locale: 'en',
      password,
      passwordConfirm: password,
      _csrf: setupToken,
    });
    expect(setup.status, setup.text.slice(0, 500)).to.equal(302);
    const rows = Array.from({ length: 3000 }, (_, i) => `Organisme ${i};community;Laval`);
    const uploadToken = await token('/partners/import');
    const upload = await agent
      .post('/partners/import')
      .field('_csrf', uploadToken)
      .attach('file', Buffer.from(['name;type;region', ...rows].join('\n')), 'big.csv');
    expect(upload.status).to.equal(302);
    const url = String(upload.headers.location);
    await agent
      .post(`${url}/run`)
      .type('form')
      .send({ _csrf: await token(url) });

    const client = new MongoClient(`mongodb://127.0.0.1:${dbPort}/passerelle`);
    try {
      const partners = client.db().collection('partners');
      const half = await until(
        () => partners.countDocuments({}),
        (n) => n >= 1000,
        60_000,
      );
      expect(half).to.be.within(1000, 2999);
      server!.child.kill('SIGKILL');
      await server!.exited;
      server = await startServer({ dataDir, ferretdbPort: dbPort });
      const restarted = supertest.agent(server.url);
      const loginToken = /name="_csrf" value="([^"]+)"/.exec((await restarted.get('/login')).text)![1]!;
      const login = await restarted.post('/login').type('form').send({ email: 'ada@example.org', password, _csrf: loginToken });
      expect(login.status).to.equal(302);
      const page = await until(
        () => restarted.get(url),
        (r) => r.text.includes('interrupted by a restart'),
      );
      expect(page.text, serverTail(server)).to.include('interrupted by a restart').and.include('rolled back');
      await client.connect();
      expect(await client.db().collection('partners').countDocuments({})).to.equal(0);
      expect(await client.db().collection('partner_imports').countDocuments({ status: 'running' })).to.equal(0);
    } finally {
      await client.close();
    }
  });

  it('npm run seed beside the running server uses its database and leaves it serving', async () => {
    const before = dbPid();
    const { MONGODB_URI: _harnessDb, ...env } = process.env;
    const seed = spawn(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--partners', '4', '--meetings', '2'], {
      cwd: root,
      env: { ...env, DATA_DIR: dataDir, FERRETDB_PORT: String(dbPort) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    seed.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((r) => seed.once('exit', r));
    expect(code, output).to.equal(0);
    expect(output).to.include(`run by process ${server!.child.pid}`);
    expect(dbPid()).to.equal(before);
    expect((await health(server!.url)).body).to.include({ database: 'up' });
    expect((await fetch(`${server!.url}/login`)).status).to.equal(200);
  });
});
