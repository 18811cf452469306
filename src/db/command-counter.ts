// Database commands counted per scope (a request, or a block of code): a noise-free performance figure.
// The driver's `commandStarted` events run in the async context of the operation that caused them, so
// an AsyncLocalStorage scope attributes each command to the request (or countCommands call) that sent it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler, Response } from 'express';
import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { config } from '../config.js';

interface Scope {
  commands: number;
  names: string[];
  /** The collections read (find, getMore, aggregate, count, distinct), each once, in order. */
  reads: Set<string>;
  parent: Scope | undefined;
}

const READS = new Set(['find', 'getMore', 'aggregate', 'count', 'distinct']);
/** The collection a read command names (getMore names it in `collection`). */
function readTarget(event: CommandStartedEvent): string | null {
  if (!READS.has(event.commandName)) return null;
  const c = event.command as Record<string, unknown>;
  const target = event.commandName === 'getMore' ? c.collection : c[event.commandName];
  return typeof target === 'string' ? target : null;
}

const MAX_NAMES = 1000;
const storage = new AsyncLocalStorage<Scope>();
const attached = new WeakSet<MongoClient>();

/** Listens to the client's commands (connect with `monitorCommands: true`). Idempotent per client. */
export function attachCommandCounter(client: MongoClient): void {
  if (attached.has(client)) return;
  attached.add(client);
  client.on('commandStarted', (event: CommandStartedEvent) => {
    const read = readTarget(event);
    // Nested scopes: a countCommands() inside a request counts for both.
    for (let scope = storage.getStore(); scope; scope = scope.parent) {
      scope.commands += 1;
      if (scope.names.length < MAX_NAMES) scope.names.push(event.commandName);
      if (read) scope.reads.add(read);
    }
  });
}

const newScope = (): Scope => ({ commands: 0, names: [], reads: new Set(), parent: storage.getStore() });

/** Runs fn and returns how many database commands it sent, and their names in order. */
export async function countCommands<T>(fn: () => Promise<T>): Promise<{ result: T; commands: number; names: string[] }> {
  const scope = newScope();
  const result = await storage.run(scope, fn);
  return { result, commands: scope.commands, names: [...scope.names] };
}

/** The number of commands sent so far in the current scope (undefined outside any scope). */
export const currentCommandCount = (): number | undefined => storage.getStore()?.commands;

/**
 * Counts the commands of each request: `res.locals.dbCommands` reads the running count; with the request
 * header `X-Count-Db-Commands: 1` (outside production, or with COUNT_DB_COMMANDS=on) the response carries `X-Db-Commands`, the count
 * when the headers are written (for a rendered page, after all its queries), and `X-Db-Reads`, the
 * collections it read. Mount it early.
 */
export const commandCountMiddleware: RequestHandler = (req, res, next) => {
  const scope = newScope();
  Object.defineProperty(res.locals, 'dbCommands', { get: () => scope.commands, enumerable: true, configurable: true });
  if (req.get('X-Count-Db-Commands') === '1' && config.countDbCommands) {
    // Node writes the headers through writeHead (also implicitly from write/end): set ours just before.
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
    res.writeHead = ((...args: unknown[]) => {
      if (!res.headersSent) {
        res.setHeader('X-Db-Commands', String(scope.commands));
        res.setHeader('X-Db-Reads', [...scope.reads].join(','));
      }
      return writeHead(...args);
    }) as Response['writeHead'];
  }
  storage.run(scope, next);
};
