import type { NextFunction, Request, Response } from 'express';
import { DateTime } from 'luxon';
import { config } from '../config.js';
import { isManager } from '../users/roles.js';
import { navFor } from '../nav.js';
import { dayIn, formatDate, numberFormat, intlLocale } from '../util/formats.js';

/** What every view may use: the user, the path, and formatting in the user's language and time zone. */
export function viewHelpers(req: Request, res: Response, next: NextFunction): void {
  const zone = req.user?.timezone ?? config.defaultTimezone;
  const locale = intlLocale(req.language);
  res.locals.user = req.user ?? null;
  res.locals.isManager = req.user ? isManager(req.user.role) : false;
  res.locals.navItems = navFor(req.user?.role);
  res.locals.currentPath = req.path;
  // The default of a date field: the reader's day, not the server's UTC one (an evening in Toronto is already tomorrow in UTC).
  res.locals.today = dayIn(zone, new Date());
  res.locals.originalUrl = req.originalUrl;
  res.locals.errors = {};
  res.locals.values = {};
  res.locals.fmt = {
    date: (d: Date | string | null | undefined) => (d ? formatDate(locale, { ...DateTime.DATE_MED, timeZone: zone }, new Date(d)) : ''),
    /** A calendar day (YYYY-MM-DD) that has no time of day: the same day in every time zone. */
    day: (d: string | null | undefined) =>
      d ? formatDate(locale, { ...DateTime.DATE_MED, timeZone: 'UTC' }, new Date(`${d}T00:00:00Z`)) : '',
    dateTime: (d: Date | string | null | undefined) =>
      d ? formatDate(locale, { ...DateTime.DATETIME_MED, timeZone: zone }, new Date(d)) : '',
    /** The instant as the clock of another zone shows it (a meeting's own zone). */
    dateTimeIn: (d: Date | string, timeZone: string) => formatDate(locale, { ...DateTime.DATETIME_MED, timeZone }, new Date(d)),
    isoDate: (d: Date | string | null | undefined) => (d ? dayIn(zone, new Date(d)) : ''),
    number: (n: number | null | undefined, digits = 0) =>
      n === null || n === undefined ? '' : numberFormat(locale, { maximumFractionDigits: digits }).format(n),
    /** A difference, always signed ("+2", "−1,5"); zero has no sign. */
    gap: (n: number | null | undefined, digits = 1) =>
      n === null || n === undefined ? '' : numberFormat(locale, { maximumFractionDigits: digits, signDisplay: 'exceptZero' }).format(n),
    /** A file's size in the reader's language (kB under a megabyte, else MB). */
    bytes: (n: number) =>
      n < 1024 * 1024
        ? numberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 }).format(Math.max(1, Math.round(n / 1024)))
        : numberFormat(locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(n / 1048576),
    money: (n: number | null | undefined, currency = 'CAD') =>
      n === null || n === undefined ? '' : numberFormat(locale, { style: 'currency', currency }).format(n),
  };
  res.locals.qs = (extra: Record<string, string | number | null | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...(req.query as Record<string, string>), ...extra })) {
      if (v !== null && v !== undefined && v !== '' && typeof v !== 'object') params.set(k, String(v));
    }
    const s = params.toString();
    return s ? `?${s}` : '';
  };
  next();
}
