// The embedded database's process: who owns it, when one left behind may be cleared, and restarting
// it when it dies. Several entry points (the server, the worker, the seed) share one data folder: the
// first one starts the database and owns it; the others connect to it and never stop or kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { alive } from '../util/process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OwnerRecord {
  ownerPid: number;
  port: number;
}

export const ownerFile = (dataPath: string): string => path.join(dataPath, 'owner.json');

export function readOwner(dataPath: string): OwnerRecord | null {
  try {
    const o = JSON.parse(fs.readFileSync(ownerFile(dataPath), 'utf8')) as Partial<OwnerRecord>;
    return Number.isInteger(o.ownerPid) && Number.isInteger(o.port) ? { ownerPid: o.ownerPid!, port: o.port! } : null;
  } catch {
    return null;
  }
}

const readPid = (pidFile: string): number | null => {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
};

/**
 * The database another live process runs on this folder, if any: its owner is alive (and is not
 * this process) and so is the database process. Only then is it in use; anything else is stale.
 */
export function liveOwner(dataPath: string, pidFile: string): OwnerRecord | null {
  const owner = readOwner(dataPath);
  const child = readPid(pidFile);
  if (!owner || owner.ownerPid === process.pid || !alive(owner.ownerPid) || child === null || !alive(child)) return null;
  return owner;
}

/** A process left behind by a killed run (its pid file survived): stop it so its port and lock are free. */
export async function clearStale(pidFile: string, log: (m: string) => void): Promise<void> {
  const pid = readPid(pidFile);
  fs.rmSync(pidFile, { force: true });
  fs.rmSync(ownerFile(path.dirname(pidFile)), { force: true });
  if (pid === null || pid === process.pid || !alive(pid)) return;
  let cmd: string;
  try {
    cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not Linux: never kill a process we cannot identify
  }
  if (!/ferretdb-launcher|mongod/.test(cmd)) return; // the pid was reused by something else
  log(`Stopping a database process left by an earlier run (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 30 && alive(pid); i += 1) await sleep(100);
  if (alive(pid)) {
    log(`pid ${pid} ignored SIGTERM for 3 s: SIGKILL`);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 20 && alive(pid); i += 1) await sleep(100);
  }
}

export interface Supervised {
  /** The process running now (a new one after each restart). */
  current: () => ChildProcess;
  stop: () => Promise<void>;
}

const RESTARTS_PER_MINUTE = 5;

/**
 * Runs the database process and restarts it when it dies (same port and folder, so the driver
 * reconnects by itself and the app recovers without a restart). Gives up after five deaths in a
 * minute: something is wrong that a restart will not mend. stop(): SIGTERM, SIGKILL after 5 s, then
 * the pid and owner files and (tests) the folder go. Also killed synchronously on exit.
 */
export function supervise(
  first: ChildProcess,
  respawn: () => ChildProcess,
  files: { pidFile: string; owner: OwnerRecord },
  log: (m: string) => void,
  cleanup: () => void,
): Supervised {
  let child = first;
  let stopping = false;
  const deaths: number[] = [];
  const record = (c: ChildProcess) => {
    fs.writeFileSync(files.pidFile, String(c.pid));
    fs.writeFileSync(ownerFile(path.dirname(files.pidFile)), JSON.stringify(files.owner));
  };
  const watch = (c: ChildProcess) => {
    c.once('exit', (code, signal) => {
      if (stopping || c !== child) return;
      const now = Date.now();
      deaths.push(now);
      while (deaths.length && deaths[0]! < now - 60_000) deaths.shift();
      if (deaths.length > RESTARTS_PER_MINUTE) {
        log(`The database process died ${deaths.length} times in a minute (last: ${signal ?? code}); not restarting it`);
        return;
      }
      log(`The database process exited (${signal ?? code}); restarting it`);
      setTimeout(() => {
        if (stopping) return;
        child = respawn();
        child.once('spawn', () => record(child));
        child.once('error', (err) => log(`could not restart the database: ${err.message}`));
        watch(child);
      }, 500).unref();
    });
  };
  record(child);
  watch(child);
  const running = () => child.exitCode === null && child.signalCode === null;
  const forget = () => {
    fs.rmSync(files.pidFile, { force: true });
    fs.rmSync(ownerFile(path.dirname(files.pidFile)), { force: true });
    cleanup();
  };
  const killNow = () => {
    stopping = true;
    if (running()) child.kill('SIGKILL');
    forget();
  };
  process.once('exit', killNow);
  let stopped: Promise<void> | undefined;
  return {
    current: () => child,
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        process.off('exit', killNow);
        if (running()) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
        forget();
      })()),
  };
}

export const spawnDatabase = (cmd: string, args: string[]): ChildProcess => spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
