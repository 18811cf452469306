// Every route the app answers, read from the app's own router stack (not from a hand-kept list), so a
// route added later is covered by the security tests without anyone remembering to add it.
import type { Express } from 'express';

export interface RouteInfo {
  method: string; // upper case: GET, POST, ...
  path: string; // as registered, with its params: /partners/:id/contacts/:contactId
  params: string[]; // the param names in the path, in order
}

interface LayerLike {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
  rawPath?: unknown;
}

function joinPath(prefix: string, path: string): string {
  const p = `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function walk(stack: LayerLike[], prefix: string, out: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        if (typeof path !== 'string') throw new Error(`route with a non-string path under ${prefix}: cannot list it`);
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (!on) continue;
          const full = joinPath(prefix, path);
          out.push({ method: method === '_all' ? 'ALL' : method.toUpperCase(), path: full, params: paramNames(full) });
        }
      }
    } else if (Array.isArray(layer.handle?.stack)) {
      // A mounted router: its routes live under the mount path (app.use(router) mounts at '/').
      const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
      walk(layer.handle.stack, joinPath(prefix, mount), out);
    }
  }
}

/** Method and path of every route registered on the app, in registration order, without duplicates. */
export function listRoutes(app: Express): RouteInfo[] {
  const router = (app as unknown as { router: { stack: LayerLike[] } }).router;
  const out: RouteInfo[] = [];
  walk(router.stack, '/', out);
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Names of the `:params` of a path (path-to-regexp 8 syntax: a name is letters, digits, _ and $). */
export function paramNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_$][A-Za-z0-9_$]*)/g)].map((m) => m[1]!);
}

/** The path with each param replaced by `valueFor(name)` (URL-encoded). */
export function fillPath(path: string, valueFor: (name: string) => string): string {
  return path.replace(/:([A-Za-z_$][A-Za-z0-9_$]*)/g, (_m, name: string) => encodeURIComponent(valueFor(name)));
}

/** Params that name a record: `id`, or anything ending in `Id` (contactId, kpiId, linkId...). */
export const isIdParam = (name: string): boolean => name === 'id' || /Id$/.test(name);

export const routeKey = (r: Pick<RouteInfo, 'method' | 'path'>): string => `${r.method} ${r.path}`;

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'ALL']);
