// Typography belongs to the language, not to each string: the catalogs are written with plain
// keyboard punctuation and set here once, when they are loaded. French takes a narrow no-break
// space before : ; ! ? and inside « », English none before a colon; both take the typographic
// apostrophe. Nesting (`$t(ns:key, {"count": …})`), placeholders and addresses are left alone:
// each rule only touches punctuation that ends a word (followed by a space or the string's end).

const NNBSP = '\u202f';
const apostrophe = (s: string) => s.replace(/(\p{L})'(?=\p{L}|\s|$)/gu, '$1’');

const rules: Record<string, (s: string) => string> = {
  fr: (s) =>
    apostrophe(s)
      .replace(/(^|[^\s\u00a0\u202f"])[ \u00a0\u202f]?([:;!?])(?=\s|$)/g, `$1${NNBSP}$2`)
      .replace(/«[ \u00a0\u202f]?/g, `«${NNBSP}`)
      .replace(/[ \u00a0\u202f]?»/g, `${NNBSP}»`),
  en: (s) => apostrophe(s).replace(/(\S)[ \u00a0\u202f]+:(?=\s|$)/g, '$1:'),
};

export type Catalog = { [k: string]: string | Catalog };

/** The catalog with every string set in the language's typography. */
export function typeset(lng: string, tree: Catalog): Catalog {
  const rule = rules[lng] ?? ((s: string) => s);
  const walk = (t: Catalog): Catalog =>
    Object.fromEntries(Object.entries(t).map(([k, v]) => [k, typeof v === 'string' ? rule(v) : walk(v)]));
  return walk(tree);
}
