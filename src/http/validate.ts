// Input validation at the edge: a zod schema turns a form body or query into typed data, or into
// per-field error messages (i18n keys) to show on the same page with the user's input kept.
// Every message shown is the app's own key: an issue without one gets the key of its kind here,
// so the validator's English ("Invalid input: expected string…") never reaches a page.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseLocaleNumber } from '../util/number-input.js';

export type FieldErrors = Record<string, string>;

export type ParseResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Form values as strings only: anything else a client sends (arrays, objects) is dropped, not interpreted. */
export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (typeof v === 'string') out[k] = v;
    }
  }
  return out;
}

/** One field's values as a list of strings: sent once, several times or not at all, the same shape. */
export function formList(body: unknown, name: string): string[] {
  const v = (body && typeof body === 'object' ? (body as Record<string, unknown>) : {})[name];
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : '')) : typeof v === 'string' ? [v] : [];
}

/**
 * Form values with the named multi-value fields (a group of checkboxes) as lists, whether one box or
 * several were ticked: every other field a string, as `formValues` gives it. A form re-rendered from
 * these values shows the ticked boxes again.
 */
export function formInput(body: unknown, lists: readonly string[]): Record<string, string> & Record<(typeof lists)[number], string[]> {
  const out: Record<string, string | string[]> = formValues(body);
  for (const name of lists) out[name] = formList(body, name);
  return out as Record<string, string> & Record<string, string[]>;
}

/** Repeated form fields (rows of inputs with one name) as string arrays, strings only, padded to one length. */
export function formLists(body: unknown, names: string[]): Record<string, string[]> {
  const lists = names.map((n) => formList(body, n));
  const length = Math.max(0, ...lists.map((l) => l.length));
  return Object.fromEntries(names.map((n, i) => [n, Array.from({ length }, (_, j) => lists[i]![j] ?? '')]));
}

const appKey = /^[a-z][A-Za-z]*:[A-Za-z0-9_.]+$/;

type Issue = z.core.$ZodIssue;

const valueAt = (input: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);

/** The app's message key for one validation issue (the schema's own key, or the one of the issue's kind). */
export function issueKey(issue: Issue, input?: unknown): string {
  if (appKey.test(issue.message)) return issue.message;
  const value = issue.path.length ? valueAt(input, issue.path) : input;
  const blank = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  switch (issue.code) {
    case 'invalid_type':
      if (blank) return 'validation:required';
      return issue.expected === 'number' || issue.expected === 'int' ? 'validation:number' : 'validation:invalid';
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'validation:required' : 'validation:tooShort';
      if (issue.origin === 'number' || issue.origin === 'int')
        return Number(issue.minimum) === 0 ? 'validation:notNegative' : 'validation:tooSmall';
      return 'validation:invalid';
    case 'too_big':
      if (issue.origin === 'string') return 'validation:tooLong';
      if (issue.origin === 'number' || issue.origin === 'int') return 'validation:tooBig';
      return 'validation:invalid';
    case 'invalid_value':
    case 'invalid_union':
      return blank ? 'validation:required' : 'validation:choice';
    case 'invalid_format':
      if (issue.format === 'email') return 'validation:email';
      if (issue.format === 'url') return 'validation:url';
      if (issue.format === 'date' || issue.format === 'datetime') return 'validation:date';
      return blank ? 'validation:required' : 'validation:invalid';
    case 'not_multiple_of':
      return 'validation:number';
    default:
      return 'validation:invalid';
  }
}

// Numbers are read in the language of the reader (src/util/number-input.ts), and zod hands a schema
// no context of its own: `parseInput` and `inLocale` name the locale of the parse running now, read
// by the number fields. Parsing is synchronous, so the locale is exactly that of this one call.
let parsingLocale: string | undefined;

/** Runs `fn` (synchronous parsing) with the number fields reading numbers as `locale` writes them. */
export function inLocale<T>(locale: string | undefined, fn: () => T): T {
  const outer = parsingLocale;
  parsingLocale = locale;
  try {
    return fn();
  } finally {
    parsingLocale = outer;
  }
}

/** Parses `input` with `schema`; number fields read numbers as `locale` (the request's language) writes them. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, locale?: string): ParseResult<z.output<S>> {
  const result = inLocale(locale ?? parsingLocale, () => schema.safeParse(input));
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || '_form';
    errors[field] ??= issueKey(issue, input);
  }
  return { ok: false, errors };
}

/** A real day of the calendar written YYYY-MM-DD (30 February is refused, not moved to 2 March). */
export const isCalendarDate = (v: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v, { zone: 'utc' }).isValid;

/** A well-formed YYYY-MM-DD that is a real day: malformed and nonexistent (30 February) say different things. */
export const calendarDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'validation:date')
  .refine(isCalendarDate, 'validation:dateNotExist');

/** A date field that may be left blank: blank, or a real day (the same two messages as calendarDate). */
export const optionalCalendarDate = z
  .string()
  .trim()
  .refine((v) => v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v), 'validation:date')
  .refine((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v) || isCalendarDate(v), 'validation:dateNotExist');

// Without a locale: digits with at most one decimal point or comma, and a sign. Number() alone would
// also take 0x10, 0b1, 1e3, Infinity and blank (as 16, 1, 1000, Infinity, 0).
const numberText = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

/**
 * The one reading of a number typed in a form, or null when it is not one written that way: as the
 * locale writes it (25 000,50 · 25,000.50) or plainly (25000.50) while a parse in a locale runs
 * (`parseInput`, `inLocale`), else digits with a point or a comma.
 */
export function parseFormNumber(raw: string): number | null {
  if (parsingLocale) return parseLocaleNumber(raw, parsingLocale);
  const v = raw.trim();
  if (!numberText.test(v)) return null;
  const n = Number(v.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

/**
 * A required number field read with parseFormNumber, then checked by `rules` (int, min, max with
 * their messages). Blank is 'required'; anything not written as a number is `message` (by default
 * the message that shows how the reader's language writes one).
 */
export function numberInput<T extends z.ZodType<unknown, number>>(rules: T, message = 'validation:numberExample') {
  return z
    .string({ message: 'validation:required' })
    .refine((v) => v.trim() !== '', 'validation:required')
    .refine((v) => v.trim() === '' || parseFormNumber(v) !== null, message)
    .transform((v) => parseFormNumber(v) ?? Number.NaN)
    .pipe(rules);
}
