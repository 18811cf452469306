// Every route the app registers, read from the routers themselves (src/routes.ts and the app's own
// routes), so a route added later is covered by the security suite without editing it.
import type { Express, Router } from 'express';
import { memberRouters, publicRouters } from '../../src/routes.js';

export interface RouteInfo {
  method: string;
  path: string;
  public: boolean;
}

interface Layer {
  route?: { path: string | RegExp; methods: Record<string, boolean> };
}

function routesOf(router: { stack: Layer[] }, isPublic: boolean): RouteInfo[] {
  return router.stack.flatMap((layer) =>
    layer.route && typeof layer.route.path === 'string'
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((method) => ({ method: method.toUpperCase(), path: layer.route!.path as string, public: isPublic }))
      : [],
  );
}

export function listRoutes(app: Express): RouteInfo[] {
  const appRouter = (app as unknown as { router: { stack: Layer[] } }).router;
  const unique = new Map<string, RouteInfo>();
  const all = [
    ...routesOf(appRouter, true),
    ...publicRouters.flatMap((r: Router) => routesOf(r as unknown as { stack: Layer[] }, true)),
    ...memberRouters.flatMap((r: Router) => routesOf(r as unknown as { stack: Layer[] }, false)),
  ];
  for (const r of all) if (!unique.has(`${r.method} ${r.path}`)) unique.set(`${r.method} ${r.path}`, r);
  return [...unique.values()];
}

/** The route's path with each parameter replaced (`:id` → value(name)). */
export const fillPath = (path: string, value: (param: string) => string): string =>
  path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => value(name));

export const paramsOf = (path: string): string[] => [...path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
