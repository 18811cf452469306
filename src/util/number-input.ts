// Reading a number typed in a form the way the reader's language writes it. The separators are
// learned from Intl (what the app's own formatter prints), so "25 000,00" in French and
// "25,000.00" in English are read back; the plain "25000.50" is read in both. Anything that could
// mean two numbers ("1.234" in French: 1.234 or 1234?) or mixes the separators is refused.
import { numberFormat } from './formats.js';

export type Separators = { group: string; decimal: string };

const separators = new Map<string, Separators>();

/** The locale's thousands and decimal separators, as Intl prints them. */
export function numberSeparators(locale: string): Separators {
  let s = separators.get(locale);
  if (!s) {
    const parts = numberFormat(locale, { useGrouping: true, minimumFractionDigits: 1 }).formatToParts(12345.6);
    s = { group: parts.find((p) => p.type === 'group')?.value ?? ',', decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.' };
    separators.set(locale, s);
  }
  return s;
}

// People (and keyboards) type an ASCII space where the formatter prints a no-break or a narrow
// no-break space: a locale grouping with any of them accepts all three.
const spaces = ' \u00a0\u202f';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const charClass = (chars: string) => `[${[...chars].map(escape).join('')}]`;

const localeForms = new Map<string, RegExp>();

/** The locale's own writing: groups of three after a first group of one to three digits, or no groups. */
function localeForm(locale: string): RegExp {
  let re = localeForms.get(locale);
  if (!re) {
    const { group, decimal } = numberSeparators(locale);
    const g = charClass(spaces.includes(group) ? spaces : group);
    const d = escape(decimal);
    re = new RegExp(`^(\\d{1,3}(?:${g}\\d{3})+|\\d+)?(?:${d}(\\d+))?$`, 'u');
    localeForms.set(locale, re);
  }
  return re;
}

// The plain form: digits and a decimal point, nothing else.
const plain = /^(\d+)?(?:\.(\d+))?$/;
// "1.234" where the point is not the locale's decimal sign: the point could be a thousands separator.
const pointAsGroup = /^[1-9]\d{0,2}\.\d{3}$/;

const fromParts = (sign: string, int: string | undefined, frac: string | undefined): number | null => {
  if (int === undefined && frac === undefined) return null;
  const n = Number(`${sign === '' ? '' : '-'}${int ?? '0'}.${frac ?? '0'}`);
  return Number.isFinite(n) ? n : null;
};

/**
 * The one reading of `raw` as a number written in `locale` (or plainly, with a point), or null when
 * it is not a number written either way, or when it could be read two ways.
 */
export function parseLocaleNumber(raw: string, locale: string): number | null {
  const trimmed = raw.trim();
  const signMatch = /^([+\-\u2212]?)(.*)$/su.exec(trimmed)!;
  const sign = signMatch[1] === '' || signMatch[1] === '+' ? '' : '-';
  const body = signMatch[2]!;
  if (body === '') return null;
  const { decimal } = numberSeparators(locale);
  const own = localeForm(locale).exec(body);
  if (own) {
    // In English "1,234" is the locale's own grouping: one reading (1234), no doubt.
    return fromParts(sign, own[1]?.replace(/\D/g, ''), own[2]);
  }
  const p = plain.exec(body);
  if (p && !(decimal !== '.' && pointAsGroup.test(body))) return fromParts(sign, p[1], p[2]);
  return null;
}

/** An example of the locale's writing of a number with decimals (25 000,50 · 25,000.50), for messages. */
export const numberExample = (locale: string): string => numberFormat(locale, { minimumFractionDigits: 2 }).format(25000.5);
