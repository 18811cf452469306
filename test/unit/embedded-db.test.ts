// The embedded database starts again after a crash: stale pid files, orphaned launchers, a busy port.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { freePort, startDatabase, type RunningDatabase } from '../../src/db/embedded.js';
import { alive } from '../../src/util/process.js';

async function ping(uri: string): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2000 });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

describe('embedded database (FerretDB launcher)', function () {
  let dataDir: string;
  let port: number;
  const started: RunningDatabase[] = [];
  const logs: string[] = [];
  const start = async () => {
    const db = await startDatabase({ dataDir, ferretdbPort: port, log: (m) => logs.push(m) });
    started.push(db);
    return db;
  };

  before(function () {
    // A real mongod or MONGODB_URI would be used instead: these cases are about the FerretDB child.
    if (process.env.PATH?.split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, 'mongod')))) this.skip();
  });
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-embedded-test-'));
    port = await freePort();
    logs.length = 0;
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((db) => db.stop()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, writes a pid file, and removes it on stop', async () => {
    const db = await start();
    expect(db.kind).to.equal('ferretdb');
    expect(db.description).to.match(/^FerretDB 1\.24\.2 \(SQLite\) at .+ on 127\.0\.0\.1:\d+$/);
    const pidFile = path.join(db.dataPath!, 'ferretdb.pid');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).to.equal(true);
    await ping(db.uri);
    await db.stop();
    expect(fs.existsSync(pidFile)).to.equal(false);
    expect(alive(pid)).to.equal(false);
  });

  it('starts over a stale pid file naming a dead process', async () => {
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    fs.mkdirSync(path.join(dataDir, 'ferretdb'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'ferretdb', 'ferretdb.pid'), String(dead.pid));
    const db = await start();
    await ping(db.uri);
    expect(Number(fs.readFileSync(path.join(db.dataPath!, 'ferretdb.pid'), 'utf8'))).to.not.equal(dead.pid);
  });

  it('leaves alone an unrelated process whose pid was reused', async () => {
    const other = spawn('sleep', ['30']);
    try {
      fs.mkdirSync(path.join(dataDir, 'ferretdb'), { recursive: true });
      fs.writeFileSync(path.join(dataDir, 'ferretdb', 'ferretdb.pid'), String(other.pid));
      const db = await start();
      await ping(db.uri);
      expect(alive(other.pid!)).to.equal(true);
    } finally {
      other.kill('SIGKILL');
    }
  });

  /** Another process owning a database on the folder, as `npm start` would; resolves once it is ready. */
  const otherOwner = async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, '../fixtures/own-database.ts'), dataDir, String(port)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`owner exited (${code})`)));
    });
    const dbPid = Number(fs.readFileSync(path.join(dataDir, 'ferretdb', 'ferretdb.pid'), 'utf8'));
    return { child, dbPid };
  };

  it('stops a launcher left running by a killed run (its owner dead) and starts again', async () => {
    const { child, dbPid } = await otherOwner();
    child.kill('SIGKILL'); // the owner dies with -9; its database process lives on, orphaned
    await new Promise((r) => child.once('exit', r));
    expect(alive(dbPid)).to.equal(true);
    const db = await start();
    expect(alive(dbPid)).to.equal(false);
    expect(logs.join('\n')).to.include(`left by an earlier run (pid ${dbPid})`);
    await ping(db.uri);
  });

  it('a second entry point connects to the database a live process runs, and never stops it', async () => {
    const { child, dbPid } = await otherOwner();
    try {
      const db = await start();
      expect(db.description).to.include(`run by process ${child.pid}`);
      await ping(db.uri);
      await db.stop();
      expect(alive(dbPid)).to.equal(true);
      await ping(db.uri);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(alive(dbPid)).to.equal(false);
  });

  it('restarts the database process when it dies, on the same port', async () => {
    const db = await start();
    const pidFile = path.join(db.dataPath!, 'ferretdb.pid');
    const first = Number(fs.readFileSync(pidFile, 'utf8'));
    process.kill(first, 'SIGKILL');
    let pid = first;
    for (let i = 0; i < 100 && (pid === first || !alive(pid)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      pid = Number(fs.readFileSync(pidFile, 'utf8'));
    }
    expect(pid).to.not.equal(first);
    expect(logs.join('\n')).to.include('restarting it');
    await ping(db.uri);
    await db.stop();
    expect(alive(pid)).to.equal(false);
  });

  it('says clearly when the port is taken by another program', async () => {
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    // No download attempt for the last fallback (mongodb-memory-server): fail fast.
    const saved = process.env.MONGOMS_RUNTIME_DOWNLOAD;
    process.env.MONGOMS_RUNTIME_DOWNLOAD = 'false';
    const warn = console.warn; // mongodb-memory-server prints its own failure with a stack trace
    console.warn = () => undefined;
    try {
      let message = '';
      await start().catch((err: Error) => (message = err.message));
      expect(message).to.include(`port ${port} on 127.0.0.1 is already in use by another program`);
      expect(message).to.include('MONGODB_URI');
    } finally {
      console.warn = warn;
      if (saved === undefined) delete process.env.MONGOMS_RUNTIME_DOWNLOAD;
      else process.env.MONGOMS_RUNTIME_DOWNLOAD = saved;
      await new Promise((r) => squatter.close(r));
    }
  });

  it('finds a document by _id with an index search, in collections made after start and made again after a drop', async () => {
    // FerretDB 1.24 alone scans the table for a find by _id (its _id index is on another expression).
    const db = await start();
    const client = new MongoClient(db.uri);
    try {
      const plan = async (coll: string): Promise<string> => {
        // A query first: EXPLAIN alone does not make a pooled SQLite connection notice a new index.
        await client.db('t').collection<{ _id: string; n?: number }>(coll).findOne({ _id: 'k-1' });
        const ex = await client.db('t').collection<{ _id: string; n?: number }>(coll).find({ _id: 'k-500' }).limit(1).explain();
        return JSON.stringify((ex as { queryPlanner?: unknown }).queryPlanner);
      };
      const indexedSoon = async (coll: string): Promise<string> => {
        let last = '';
        for (let i = 0; i < 50 && !/USING INDEX/.test(last); i++) {
          await new Promise((r) => setTimeout(r, 200));
          last = await plan(coll);
        }
        return last;
      };
      const docs = Array.from({ length: 1000 }, (_, i) => ({ _id: `k-${i}`, n: i }));
      const late = client.db('t').collection<{ _id: string; n: number }>('late');
      await late.insertMany(docs);
      expect(await indexedSoon('late')).to.match(/SEARCH .* USING INDEX .*_passerelle_id/);
      expect(await late.findOne({ _id: 'k-500' })).to.deep.equal({ _id: 'k-500', n: 500 });

      await late.drop();
      await late.insertMany(docs);
      expect(await indexedSoon('late')).to.match(/SEARCH .* USING INDEX .*_passerelle_id/);
    } finally {
      await client.close();
    }
  });

  it('ephemeral: a fresh temporary folder and a free port, both gone after stop', async () => {
    const db = await startDatabase({ dataDir: '', ferretdbPort: 0, ephemeral: true, log: () => undefined });
    started.push(db);
    const base = path.dirname(db.dataPath!);
    expect(base.startsWith(os.tmpdir())).to.equal(true);
    await ping(db.uri);
    await db.stop();
    expect(fs.existsSync(base)).to.equal(false);
  });
});
