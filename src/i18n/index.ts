// French and English for every string: one catalog per feature namespace under locales/<lng>/<ns>.json.
import fs from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import * as middleware from 'i18next-http-middleware';
import type { NextFunction, Request, Response } from 'express';
import { config, projectRoot } from '../config.js';
import { locales, type Locale } from '../users/roles.js';
import { typeset, type Catalog } from './typography.js';
import { formatDate, numberFormat, intlLocale } from '../util/formats.js';

const localesDir = path.join(projectRoot, 'locales');
const namespaces = fs
  .readdirSync(path.join(localesDir, 'en'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

// Catalogs are read synchronously at start-up: small, and no top-level await in the module graph.
const resources = Object.fromEntries(
  locales.map((lng) => [
    lng,
    Object.fromEntries(
      namespaces.map((ns) => [ns, typeset(lng, JSON.parse(fs.readFileSync(path.join(localesDir, lng, `${ns}.json`), 'utf8')) as Catalog)]),
    ),
  ]),
);

export const i18n = i18next.createInstance();

void i18n.use(middleware.LanguageDetector).init({
  initAsync: false,
  resources,
  supportedLngs: [...locales],
  fallbackLng: config.defaultLocale,
  ns: namespaces,
  defaultNS: 'common',
  // EJS escapes on output. The example number of validation:numberExample is formatted by Intl in
  // the reader's language (25 000,50 · 25,000.50): the message needs no value from the form.
  interpolation: { escapeValue: false, defaultVariables: { numberExample: 25000.5 } },
  returnNull: false,
  detection: { order: ['querystring', 'cookie', 'header'], lookupQuerystring: 'lang', lookupCookie: 'lang', caches: false },
});

// The catalogs' `{{x, datetime(…)}}` and `{{x, number}}` format as the pages do (kept formatters,
// « 1er déc. »). i18next hands a formatter every option of the t() call, so only Intl's are kept.
const dateKeys = ['dateStyle', 'timeStyle', 'timeZone', 'weekday', 'year', 'month', 'day', 'hour', 'minute', 'hourCycle', 'timeZoneName'];
const numberKeys = ['style', 'currency', 'unit', 'minimumFractionDigits', 'maximumFractionDigits'];
const pick = (o: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
i18n.services.formatter?.add('datetime', (value: unknown, lng: string | undefined, options: Record<string, unknown>) =>
  formatDate(intlLocale(lng ?? config.defaultLocale), pick(options, dateKeys), new Date(value as Date)),
);
i18n.services.formatter?.add('number', (value: unknown, lng: string | undefined, options: Record<string, unknown>) =>
  numberFormat(intlLocale(lng ?? config.defaultLocale), pick(options, numberKeys)).format(Number(value)),
);

export const i18nMiddleware = middleware.handle(i18n);

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (locales as readonly string[]).includes(v);
}

/**
 * The language a visitor chose on a public page: `?lang=` on the link, else the `lang` cookie the
 * switch sets (null when they chose none). A page in someone's language (a partner contact's)
 * speaks it only when the visitor chose none.
 */
export function visitorLanguage(req: Request): Locale | null {
  const query = req.query.lang;
  return isLocale(query) ? query : cookieLanguage(req);
}

/** The language the switch remembered in the `lang` cookie, if any. */
function cookieLanguage(req: Request): Locale | null {
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.lang;
  return isLocale(cookie) ? cookie : null;
}

/** A same-site path without its `lang=` parameter: after the switch, the cookie (or the profile) decides. */
export function withoutLangParam(path: string): string {
  const url = new URL(path, 'http://same.site');
  if (url.origin !== 'http://same.site') return '/'; // never another site's address
  url.searchParams.delete('lang');
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Keeps a visitor's chosen language for the pages that follow (the cookie the detector reads). */
export function rememberLanguage(res: Response, lang: Locale): void {
  res.cookie('lang', lang, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 86400_000 });
}

/** A signed-in user's own language wins over the browser's. */
export async function userLanguage(req: Request, res: Response, next: NextFunction): Promise<void> {
  // A visitor who came by a link with `?lang=` (a partner's mail, a shared page) keeps that language
  // on the pages its links lead to, which carry no `lang` of their own.
  const asked = req.query.lang;
  if (!req.user && isLocale(asked) && cookieLanguage(req) !== asked) rememberLanguage(res, asked);
  if (req.user && req.language !== req.user.locale) await req.i18n.changeLanguage(req.user.locale);
  res.locals.t = req.t;
  res.locals.lang = req.language;
  // Public forms carry the language a link asked for (`?lang=en`) to their POST.
  res.locals.langQuery = !req.user && isLocale(req.query.lang) ? `?lang=${req.query.lang}` : '';
  next();
}
