// The glossary (docs/glossary.md) fixes one term per idea: the catalogs say it, and no catalog
// string uses a word the glossary rules out (as a user could not tell "Conforme" from "En bonne voie").
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { i18n } from '../../src/i18n/index.js';

interface Term {
  idea: string;
  en: string;
  fr: string;
  key: string;
  not: { en: string[]; fr: string[] };
}

const list = (cell: string) =>
  cell
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
const terms: Term[] = fs
  .readFileSync(path.resolve('docs/glossary.md'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('| ') && !l.startsWith('| idea'))
  .map((l) => l.split('|').map((c) => c.trim()))
  .map(([, idea = '', en = '', fr = '', key = '', notEn = '', notFr = '']) => ({
    idea,
    en,
    fr,
    key,
    not: { en: list(notEn), fr: list(notFr) },
  }));

type Tree = { [k: string]: string | Tree };
const strings = (t: Tree): string[] => Object.values(t).flatMap((v) => (typeof v === 'string' ? [v] : strings(v)));
// The catalogs as the app serves them (typography set), so the glossary is compared with what users read.
const served = (lng: 'en' | 'fr') => strings(i18n.store.data[lng] ?? {});
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ').toLowerCase();

describe('glossary: one term per idea in each language', () => {
  it('reads the terms from docs/glossary.md', () => {
    expect(terms.length).to.be.greaterThan(30);
    expect(terms.find((t) => t.idea === 'on track')).to.include({ en: 'On track', fr: 'En bonne voie' });
  });

  for (const lng of ['en', 'fr'] as const) {
    it(`${lng}: every key the glossary names says its term`, () => {
      const wrong = terms
        .filter((t) => t.key)
        .map((t) => ({ key: t.key, term: t[lng], says: i18n.t(t.key, { lng }) }))
        .filter((x) => plain(x.says) !== plain(x.term));
      expect(wrong).to.deep.equal([]);
    });

    it(`${lng}: no catalog string uses a word the glossary rules out`, () => {
      const all = served(lng).map(plain);
      const used = terms.flatMap((t) => t.not[lng].filter((w) => all.some((s) => s.includes(plain(w)))).map((w) => `${t.idea}: "${w}"`));
      expect(used).to.deep.equal([]);
    });
  }
});
