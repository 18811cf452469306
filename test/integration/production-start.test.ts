// `npm start` as an operator runs it: the built server in production on its own embedded database.
// The build goes to a copy of the app whose one template has a bug, so a real page fails with a 500:
// the page must give a reference and no code; the session secret generated at the first start must
// survive a restart. The same failure under `NODE_ENV=development` shows the stack (so the check can fail).
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/db/embedded.js';

const repo = path.resolve(import.meta.dirname, '../..');
// Kept between runs so the TypeScript build is incremental (the first one takes about 30 s).
const appRoot = path.join(repo, 'node_modules', '.cache', 'passerelle-production-start');
const MARKER = 'TEMPLATE-SOURCE-MARKER-7f3a';
const brokenView = path.join('auth', 'forgot.ejs');

async function buildCopy(): Promise<void> {
  const dist = path.join(appRoot, 'dist');
  const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['-p', 'tsconfig.build.json', '--outDir', dist, '--tsBuildInfoFile', path.join(dist, '.tsbuildinfo')];
  await promisify(execFile)(process.execPath, [tsc, ...args], { cwd: repo });
  for (const dir of ['views', 'locales', 'public']) {
    fs.rmSync(path.join(appRoot, dir), { recursive: true, force: true });
    fs.cpSync(path.join(repo, dir), path.join(appRoot, dir), { recursive: true });
  }
  fs.copyFileSync(path.join(repo, 'package.json'), path.join(appRoot, 'package.json'));
  // The database launcher (and the sources its name is hashed from) are the project's own.
  for (const link of ['bin', 'scripts'])
    if (!fs.existsSync(path.join(appRoot, link))) fs.symlinkSync(path.join(repo, link), path.join(appRoot, link));
  // A template bug of the kind users met: a method called on something that is not there.
  const view = path.join(appRoot, 'views', brokenView);
  fs.writeFileSync(view, `<%# ${MARKER} %><%= locals.values.choices.map(String) %>\n${fs.readFileSync(view, 'utf8')}`);
}

/** The node process under `npm start` (npm → shell → node), found by walking /proc from npm's pid. */
function serverPid(rootPid: number): number | undefined {
  const parents = new Map<number, number>();
  for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const descendants = [rootPid];
  for (let i = 0; i < descendants.length; i++) for (const [pid, ppid] of parents) if (ppid === descendants[i]) descendants.push(pid);
  return descendants.find((pid) => {
    try {
      // An argument of its own: the shell between npm and node has the whole command line as one.
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('dist/src/server.js');
    } catch {
      return false;
    }
  });
}

interface Server {
  child: ChildProcess;
  pid: number; // the node process serving (npm start runs it under npm and a shell)
  url: string;
  lines: string[];
  exited: Promise<unknown>;
}

async function start(mode: 'npm start' | 'development', dataDir: string): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NODE_ENV', 'MONGODB_URI', 'SESSION_SECRET', 'SMTP_URL']) delete env[name];
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    BASE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    FERRETDB_PORT: String(await freePort()),
    SCHEDULER: 'off',
    LOG_LEVEL: 'info',
  });
  // `npm start` exactly as package.json says, without its prestart build (done above, to the copy).
  const child =
    mode === 'npm start'
      ? spawn('npm', ['start', '--ignore-scripts', '--silent'], { cwd: appRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['dist/src/server.js'], {
          cwd: appRoot,
          env: { ...env, NODE_ENV: 'development' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  const lines: string[] = [];
  child.stdout.on('data', (c: Buffer) => lines.push(...c.toString().split('\n')));
  child.stderr.on('data', (c: Buffer) => lines.push(...c.toString().split('\n')));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    if (lines.some((l) => l.includes('is ready on'))) {
      const pid = serverPid(child.pid!);
      if (!pid) {
        child.kill('SIGKILL');
        throw new Error(`no dist/src/server.js process under ${mode}`);
      }
      return { child, pid, url: `http://127.0.0.1:${port}`, lines, exited };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = serverPid(child.pid!);
  if (pid && pid !== child.pid) process.kill(pid, 'SIGTERM'); // it stops its database on the way out
  child.kill('SIGKILL');
  throw new Error(`${mode} did not start:\n${lines.join('\n')}`);
}

async function stop(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  process.kill(server.pid, 'SIGTERM'); // the server stops its database and exits; npm follows
  const timer = setTimeout(() => {
    for (const pid of [server.pid, server.child.pid!]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 15_000);
  await server.exited;
  clearTimeout(timer);
}

/** A browser's cookies, enough for one site. */
class Jar {
  private readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  keep(res: Response): Response {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return res;
  }
  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.keep(await fetch(url, { redirect: 'manual', headers: { Cookie: this.header(), 'Accept-Language': 'en', ...headers } }));
  }
  async post(url: string, form: Record<string, string>): Promise<Response> {
    const body = new URLSearchParams(form).toString();
    const headers = { Cookie: this.header(), 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': 'en' };
    return this.keep(await fetch(url, { method: 'POST', redirect: 'manual', headers, body }));
  }
}

describe('npm start: the production server', function () {
  this.timeout(300_000);
  let dataDir: string;
  let server: Server | undefined;
  const jar = new Jar();
  let secret = '';

  before(async () => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-start-')), 'data');
    await buildCopy();
  });
  afterEach(async () => {
    await stop(server);
    server = undefined;
  });
  after(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

  it('generates the session secret at the first start (0600, in the data folder) and answers a 500 with a reference and no code', async () => {
    server = await start('npm start', dataDir);
    const file = path.join(dataDir, 'session-secret');
    expect(server.lines.join('\n')).to.contain(`session secret kept in ${file}`);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    secret = fs.readFileSync(file, 'utf8').trim();
    expect(secret).to.have.length.of.at.least(43);
    expect(server.lines.join('\n')).not.to.contain(secret);

    // The first administrator, signed in by setup.
    const setup = await (await jar.get(`${server.url}/setup`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(setup)?.[1];
    expect(csrf, setup.slice(0, 300)).to.be.a('string');
    const done = await jar.post(`${server.url}/setup`, {
      _csrf: csrf!,
      name: 'Ada Admin',
      email: 'ada@example.org',
      locale: 'en',
      password: 'quand-la-riviere-chante-42',
      passwordConfirm: 'quand-la-riviere-chante-42',
    });
    expect(done.status).to.equal(302);
    expect(await (await jar.get(`${server.url}/`)).text()).to.contain('Ada Admin');

    const res = await fetch(`${server.url}/forgot`, { headers: { 'Accept-Language': 'en', Accept: 'text/html' } });
    expect(res.status).to.equal(500);
    const requestId = res.headers.get('x-request-id')!;
    expect(requestId).to.match(/^[0-9a-f-]{36}$/);
    const html = await res.text();
    expect(html).to.contain('<html').and.contain(requestId);
    expect(html).not.to.contain(MARKER).and.not.contain('.ejs').and.not.contain('<%').and.not.contain('TypeError');
    expect(html).not.to.match(/\n\s+at \S+|node_modules|dist\/src|class="stack"/);
    // The reference leads to the logged error (with its stack, for whoever reads the log).
    const logged = server.lines.find((l) => l.includes(requestId) && l.includes('request failed'));
    expect(logged, 'the error is logged under the reference').to.be.a('string');
    expect(logged).to.contain('TypeError');
  });

  it('keeps the generated secret across a restart: same file, the session still valid', async () => {
    expect(secret, 'the first start ran').not.to.equal('');
    server = await start('npm start', dataDir);
    expect(server.lines.join('\n')).not.to.contain('left by an earlier run'); // the first stop was clean
    expect(fs.readFileSync(path.join(dataDir, 'session-secret'), 'utf8').trim()).to.equal(secret);
    const home = await jar.get(`${server.url}/`);
    expect(home.status, 'still signed in: no redirect to /login').to.equal(200);
    expect(await home.text()).to.contain('Ada Admin');
  });

  it('shows the stack of the same failure in development mode (what production hides)', async () => {
    server = await start('development', dataDir);
    const res = await fetch(`${server.url}/forgot`, { headers: { 'Accept-Language': 'en', Accept: 'text/html' } });
    expect(res.status).to.equal(500);
    expect(await res.text())
      .to.contain(MARKER)
      .and.contain('forgot.ejs');
  });
});
