// Every string exists in French and in English, with the same placeholders: a key missing in one
// language shows as a raw key, a placeholder missing shows as "{{name}}" or drops a value.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const dir = path.resolve('locales');
type Tree = { [k: string]: string | Tree };
const flat = (o: Tree, prefix = ''): [string, string][] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : flat(v, `${prefix}${k}.`)));
// i18next plural forms differ by language (French has no "_few"); a key counts once for all its forms.
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');
const placeholders = (s: string) => [...new Set([...s.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]))].sort();

describe('catalogs: French and English side by side', () => {
  const files = fs.readdirSync(path.join(dir, 'en')).filter((f) => f.endsWith('.json'));
  const read = (lng: string, f: string) => new Map(flat(JSON.parse(fs.readFileSync(path.join(dir, lng, f), 'utf8')) as Tree));

  it('has the same namespaces in both languages', () => {
    expect(
      fs
        .readdirSync(path.join(dir, 'fr'))
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).to.deep.equal(files.sort());
  });

  for (const f of files)
    it(`${f}: every key in both languages, with the same placeholders`, () => {
      const en = read('en', f);
      const fr = read('fr', f);
      const keys = (m: Map<string, string>) => [...new Set([...m.keys()].map(base))].sort();
      expect(keys(fr), 'keys').to.deep.equal(keys(en));
      for (const [k, v] of en) if (fr.has(k)) expect(placeholders(fr.get(k)!), k).to.deep.equal(placeholders(v));
    });

  // One word per idea: a KPI's state reads the same on the agreement, the dashboard and the progress check.
  for (const lng of ['en', 'fr'])
    it(`${lng}: a KPI state has one name in every catalog`, () => {
      const [agreements, dashboard, progress] = ['agreements', 'dashboard', 'progress'].map((ns) => read(lng, `${ns}.json`));
      for (const state of ['on_track', 'at_risk', 'off_track']) {
        const names = [agreements!.get(`kpiStatus.${state}`), dashboard!.get(`kpiStatus.${state}`), progress!.get(`statuses.${state}`)];
        expect(new Set(names).size, `${state}: ${names.join(' / ')}`).to.equal(1);
      }
    });
});
