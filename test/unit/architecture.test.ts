// Each feature is used by others only through its public functions: a route that queries a model
// directly, or a feature that queries another feature's collection, puts the query where its owner
// cannot see it (and where the read model's rules — no filter but _id on FerretDB — go unchecked).
// Type-only imports are allowed: they vanish at compile time and carry no query.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const src = path.resolve('src');
// Folders that serve every feature rather than being one.
const infrastructure = new Set(['db', 'http', 'util', 'i18n']);
// Allowed imports, as 'importing file -> imported model module', each with its reason. Keep empty.
const exceptions = new Map<string, string>([]);

const walk = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.ts') ? [p] : [];
  });
const rel = (p: string) => path.relative(src, p).split(path.sep).join('/');
const isModel = (p: string) => /(^|\/)model\.ts$|\.model\.ts$/.test(p);
const isRoute = (p: string) => /(^|\/)routes\.ts$|[-.]routes\.ts$/.test(p);
const feature = (p: string) => {
  const parts = p.split('/');
  const [first] = parts;
  return parts.length > 1 && first && !infrastructure.has(first) ? first : undefined;
};

// `import ... from '...'` and `export ... from '...'`, over several lines if need be.
const statement = /^(import|export)\s+([^;]*?)\s*from\s+'([^']+)'/gm;
const typeOnly = (clause: string) => {
  if (/^type\s/.test(clause)) return true;
  const named = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
  if (named === undefined) return false;
  const names = named
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
};

interface Edge {
  file: string;
  target: string;
  line: string;
}
const edges: Edge[] = walk(src).flatMap((abs) => {
  const text = fs.readFileSync(abs, 'utf8');
  return [...text.matchAll(statement)].flatMap(([line, , clause = '', from = '']) => {
    if (!from.startsWith('.') || typeOnly(clause)) return [];
    const target = rel(path.resolve(path.dirname(abs), from.replace(/\.js$/, '.ts')));
    return isModel(target) ? [{ file: rel(abs), target, line: line.replace(/\s+/g, ' ') }] : [];
  });
});
const allowed = (e: Edge) => exceptions.has(`${e.file} -> ${e.target}`);
const show = (list: Edge[]) => list.map((e) => `\n  src/${e.file}: ${e.line}`).join('');

describe('architecture: features meet through their public functions', () => {
  it('finds the model imports it checks (the scan works)', () => {
    expect(edges.length).to.be.greaterThan(10);
  });

  it('no route file imports a model module', () => {
    const bad = edges.filter((e) => isRoute(e.file) && !allowed(e));
    expect(bad.length, `route files importing a model:${show(bad)}\n`).to.equal(0);
  });

  it("no feature imports another feature's model module", () => {
    const bad = edges.filter((e) => {
      const from = feature(e.file);
      return from !== undefined && from !== feature(e.target) && !allowed(e);
    });
    expect(bad.length, `features importing another feature's model:${show(bad)}\n`).to.equal(0);
  });

  it('every exception still names an import that exists', () => {
    const seen = new Set(edges.map((e) => `${e.file} -> ${e.target}`));
    expect([...exceptions.keys()].filter((k) => !seen.has(k))).to.deep.equal([]);
  });
});
