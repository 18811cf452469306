// Intl formatters, made once per locale, zone and options and kept: pages format hundreds of dates
// and numbers, and making a formatter costs far more than using one (a luxon DateTime per instant
// also re-derives the zone's offset through formatToParts every time).
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** `YYYY-MM-DD`: the day the instant falls on in the zone. */
export const dayIn = (zone: string, d: Date): string =>
  dateFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** `HH:mm` (24-hour): the clock time of the instant in the zone. */
export const clockIn = (zone: string, d: Date): string =>
  dateFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

/**
 * The instant as the locale writes it, except that French writes the first of a month as an
 * ordinal (« 1er décembre », « 1er déc. »), which Intl has no option for: where the day stands
 * beside a month name, the day part "1" becomes "1er". Numeric dates (2026-12-01) stay as they are.
 */
export function formatDate(locale: string, options: Intl.DateTimeFormatOptions, d: Date): string {
  const f = dateFormat(locale, options);
  if (!locale.startsWith('fr')) return f.format(d);
  const parts = f.formatToParts(d);
  const named = parts.some((p) => p.type === 'month' && /\p{L}/u.test(p.value));
  if (!named || !parts.some((p) => p.type === 'day' && p.value === '1')) return f.format(d);
  return parts.map((p) => (p.type === 'day' && p.value === '1' ? '1er' : p.value)).join('');
}

/** The Intl locale pages, mail and documents are written in: Canadian French or Canadian English. */
export const intlLocale = (language: string | undefined): 'en-CA' | 'fr-CA' => (language?.startsWith('en') ? 'en-CA' : 'fr-CA');
