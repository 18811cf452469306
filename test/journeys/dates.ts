// Dates as the app's users read them: days in the app's time zone, counted from today, so the
// journey means the same whenever it runs.
import { DateTime } from 'luxon';

export const ZONE = 'America/Toronto';
export const today = (): DateTime => DateTime.now().setZone(ZONE).startOf('day');
/** A day counted from today, as a date field takes it (yyyy-mm-dd). */
export const day = (offset: number): string => today().plus({ days: offset }).toISODate()!;
