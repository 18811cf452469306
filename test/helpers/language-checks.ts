// What a native reader of each language would flag on a page: codes instead of words, the other
// language's punctuation or words, numbers and dates written another way. The crawl runs these over
// every page as each role in each language, and the mail tests over every message.
import mongoose from 'mongoose';

export type Lang = 'en' | 'fr';

/** Addresses, links and the like are not prose: their colons, dots and underscores are theirs. */
const notProse = /\b(?:https?|mailto|webcal):\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\/[\w\-/.?=&%]+/g;

// A code shown instead of its label (`meeting_invitation`, `owner_email`, `material:`).
const snakeCase = /\b[a-z]+(?:_[a-z]+)+\b/;
const codeColon = /\b(?:material|financial|human|in_kind|stage|archive|restore|create)\s*:/;

// A colon as the other language writes it.
const spaceBeforeColon = /\S[ \u00a0\u202f]:(?!\d)/; // English: "Total : 3"
const bareColon = /[\p{L}\p{N})»][:;!?](?=\s|$)/u; // French: "Total: 3" (a narrow no-break space belongs before it)

// A handful of common words, each only ever in one of the two languages (names and data aside).
const englishWords =
  /\b(?:the|and|with|without|overdue|upcoming|Save|Cancel|Delete|Edit|Search|Next|Previous|Back|partners?|agreements?|meetings?|tasks?|none|yes|no)\b/;
const frenchWords =
  /\b(?:les|des|avec|sans|Enregistrer|Annuler|Supprimer|Modifier|Rechercher|Suivant|Précédent|Retour|partenaires?|ententes?|rencontres?|tâches?|échéance|aucune?|oui|non)\b/;

// Numbers: a decimal point in French, a decimal comma in English, an ISO date in running text.
const frenchDecimalPoint = /(?<![\d.])\d+\.\d+(?![\d.])/;
const englishDecimalComma = /(?<![\d,])\d+,\d{1,2}(?![\d,])/;
// Thousands as the other language groups them: « 25,000 » on a French page, 25 000 (no-break spaces) on an English one.
const frenchThousandsComma = /(?<![\d,.])\d{1,3}(?:,\d{3})+(?![\d,])/;
const englishThousandsSpace = /(?<![\d])\d{1,3}(?:[\u00a0\u202f]\d{3})+(?!\d)/;
const isoDate = /\b\d{4}-\d{2}-\d{2}\b/;
// French writes the first of a month as an ordinal: « 1er déc. », not « 1 déc. ».
const frenchFirstOfMonth = /(?<![\d,.])1\s(?:janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)/;
// Plurals: "1 tasks", "1 rencontres".
const onePlural = /(?<![\d.,\u00a0\u202f ])1\s+(?:[a-zà-ÿ]+s)\b/;

export function languageProblems(text: string, lang: Lang): string[] {
  const prose = text.replace(notProse, ' ');
  const found: [string, RegExpExecArray | null][] = [
    ['a code instead of a word', snakeCase.exec(prose) ?? codeColon.exec(prose)],
    ['an ISO date', isoDate.exec(prose)],
  ];
  if (lang === 'en') {
    found.push(['a space before a colon', spaceBeforeColon.exec(prose)]);
    found.push(['a French word', frenchWords.exec(prose)]);
    found.push(['a decimal comma', englishDecimalComma.exec(prose)]);
    found.push(['thousands grouped with spaces', englishThousandsSpace.exec(prose)]);
  } else {
    found.push(['a colon without its space', bareColon.exec(prose)]);
    found.push(['an English word', englishWords.exec(prose)]);
    found.push(['a decimal point', frenchDecimalPoint.exec(prose)]);
    found.push(['thousands grouped with commas', frenchThousandsComma.exec(prose)]);
    found.push(['the first of a month without « er »', frenchFirstOfMonth.exec(prose)]);
  }
  const plural = onePlural.exec(prose);
  if (plural && !/\b1\s+(?:fois|mois|cours|jours?|h)\b/.test(plural[0])) found.push(['a plural after 1', plural]);
  return found.filter(([, m]) => m).map(([what, m]) => `${what}: "${around(prose, m!)}"`);
}

const around = (s: string, m: RegExpExecArray) =>
  s
    .slice(Math.max(0, m.index - 25), m.index + m[0].length + 25)
    .replace(/\s+/g, ' ')
    .trim();

/** The language a page or an email declares on its <html>. */
export const langOf = (html: string): Lang => (/<html[^>]*\blang="en"/.test(html) ? 'en' : 'fr');

/** Every string stored in the portfolio's records, longest first (so a title goes before its words). */
export async function storedStrings(except: RegExp = /^(changes|changeheads|sessions)$/): Promise<string[]> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.length >= 3 && !/^[a-z_]+$/.test(v)) out.add(v.trim());
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object' && !(v instanceof Date) && !('_bsontype' in v)) Object.values(v).forEach(walk);
  };
  const db = mongoose.connection.db!;
  for (const { name } of await db.listCollections().toArray()) {
    if (except.test(name)) continue;
    for (const doc of await db.collection(name).find().toArray()) walk(doc);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Takes what people typed out of a text (a stand-in word keeps the punctuation around it readable). */
export const dataRemover = (data: string[]) => (text: string) => data.reduce((t, s) => (t.includes(s) ? t.split(s).join('Xyz') : t), text);
