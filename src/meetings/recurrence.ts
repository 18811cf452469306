// Recurring meetings: rrule computes wall-clock occurrences in floating mode (no tzid), and luxon
// places each one in the series' time zone, so 09:00 stays 09:00 local across daylight saving.
import * as rruleNs from 'rrule';
import { DateTime } from 'luxon';

// rrule ships CJS and ESM builds whose export shapes differ (named vs default): accept both.
const rruleModule = rruleNs as unknown as { RRule?: typeof rruleNs.RRule; default?: { RRule: typeof rruleNs.RRule } };
const RRule = (rruleModule.RRule ?? rruleModule.default?.RRule)!;
type RRuleOptions = NonNullable<ConstructorParameters<typeof RRule>[0]>;

export const cadences = ['weekly', 'biweekly', 'monthly'] as const;
export type Cadence = (typeof cadences)[number];
export const monthlyModes = ['date', 'weekday'] as const;
export type MonthlyMode = (typeof monthlyModes)[number];

/**
 * A series has at most this many occurrences: a longer one is refused with this number named
 * (seriesTooLong), never cut short. A series with neither end (not offered by the forms) stops at
 * the limit or this many years ahead.
 */
export const MAX_OCCURRENCES = 200;
export const MAX_YEARS = 2;

export interface RecurrenceSpec {
  cadence: Cadence;
  monthlyMode?: MonthlyMode;
  /** First occurrence, local date and time: 'YYYY-MM-DD' and 'HH:mm'. */
  startDate: string;
  startTime: string;
  zone: string;
  /** Last local date (inclusive), or a count; neither: up to the cap. */
  untilDate?: string | null;
  count?: number | null;
}

export interface Occurrence {
  /** The original local start, 'YYYY-MM-DDTHH:mm' (stable key of the occurrence). */
  key: string;
  start: Date;
}

const weekdays = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU];

/** A wall-clock time as a "floating" Date whose UTC fields are the local fields. */
function floating(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, d, hh, mm));
}

/** The rrule options (floating) for a spec: also what the .ics RRULE says. */
export function ruleOptions(spec: RecurrenceSpec): Partial<RRuleOptions> {
  const dtstart = floating(spec.startDate, spec.startTime);
  const opts: Partial<RRuleOptions> = { dtstart };
  if (spec.cadence === 'weekly' || spec.cadence === 'biweekly') {
    opts.freq = RRule.WEEKLY;
    opts.interval = spec.cadence === 'biweekly' ? 2 : 1;
  } else {
    opts.freq = RRule.MONTHLY;
    opts.interval = 1;
    const day = dtstart.getUTCDate();
    if (spec.monthlyMode === 'weekday') {
      const nth = Math.ceil(day / 7);
      const wd = weekdays[(dtstart.getUTCDay() + 6) % 7]!;
      opts.byweekday = [wd.nth(nth >= 5 ? -1 : nth)];
    } else if (day > 28) {
      // The 29th–31st fall on the month's last day when the month is shorter (not skipped).
      opts.bymonthday = Array.from({ length: day - 27 }, (_, i) => 28 + i);
      opts.bysetpos = [-1];
    } else {
      opts.bymonthday = [day];
    }
  }
  if (spec.count) opts.count = spec.count;
  else if (spec.untilDate) opts.until = floating(spec.untilDate, '23:59');
  return opts;
}

export function toLocal(floatingDate: Date, zone: string): DateTime {
  return DateTime.fromObject(
    {
      year: floatingDate.getUTCFullYear(),
      month: floatingDate.getUTCMonth() + 1,
      day: floatingDate.getUTCDate(),
      hour: floatingDate.getUTCHours(),
      minute: floatingDate.getUTCMinutes(),
    },
    { zone },
  );
}

export const occurrenceKey = (local: DateTime): string => local.toFormat("yyyy-MM-dd'T'HH:mm");

/** True when the series would have more than MAX_OCCURRENCES occurrences (counted no further). */
export function seriesTooLong(spec: RecurrenceSpec): boolean {
  if (spec.count) return spec.count > MAX_OCCURRENCES;
  if (!spec.untilDate) return false;
  return new RRule(ruleOptions(spec)).all((_d, i) => i <= MAX_OCCURRENCES).length > MAX_OCCURRENCES;
}

/** Every occurrence of a series (at most MAX_OCCURRENCES), as UTC instants with their stable local keys. */
export function occurrences(spec: RecurrenceSpec): Occurrence[] {
  const rule = new RRule(ruleOptions(spec));
  const start = floating(spec.startDate, spec.startTime);
  const horizon = new Date(start.getTime());
  horizon.setUTCFullYear(horizon.getUTCFullYear() + MAX_YEARS);
  // A count or an end date bounds the series itself; only an open-ended one stops at the horizon.
  const dates =
    spec.count || spec.untilDate
      ? rule.all((_d, i) => i < MAX_OCCURRENCES)
      : rule.between(start, horizon, true, (_d, i) => i < MAX_OCCURRENCES);
  return dates.map((d) => {
    const local = toLocal(d, spec.zone);
    return { key: occurrenceKey(local), start: local.toUTC().toJSDate() };
  });
}

/** The RRULE line value (without DTSTART), e.g. FREQ=WEEKLY;INTERVAL=2;COUNT=6. */
export function rruleText(spec: RecurrenceSpec): string {
  const opts = ruleOptions(spec);
  delete opts.dtstart;
  return new RRule(opts).toString().replace(/^RRULE:/, '');
}

/**
 * When a local time does not exist on that day in the zone (the clocks move forward over it, e.g.
 * 02:30 in America/Toronto on 2027-03-14), the local time it would become ('03:30'); else null.
 */
export function skippedTime(date: string, time: string, zone: string): string | null {
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!dt.isValid) return null;
  return dt.toFormat("yyyy-MM-dd'T'HH:mm") === `${date}T${time}` ? null : dt.toFormat('HH:mm');
}

/** A local date and time in a zone, as a UTC Date (null when the input is not a valid time). */
export function localToUtc(date: string, time: string, zone: string): Date | null {
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  return dt.isValid ? dt.toUTC().toJSDate() : null;
}
