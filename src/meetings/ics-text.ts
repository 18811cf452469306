// Text on its way into an iCalendar file (RFC 5545). ical-generator escapes SUMMARY, LOCATION and
// DESCRIPTION (\ ; , and line breaks) but writes the calendar NAME / X-WR-CALNAME as given, and
// quotes CN parameters without RFC 6868 encoding; no property drops control characters. Whatever
// was stored (also before input refused them), nothing here can end a line or a parameter.

// RFC 5545 §3.3.11: TEXT holds no control character but HTAB (line breaks only as the \n escape).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;

/** A single-line value (SUMMARY, LOCATION, a name): line breaks become spaces, controls go. */
export const lineText = (s: string | null | undefined): string =>
  String(s ?? '')
    .replace(BREAKS, ' ')
    .replace(CONTROLS, '')
    .trim();

/** A multi-line value (DESCRIPTION): line breaks stay (ical-generator writes them as \n), controls go. */
export const blockText = (s: string | null | undefined): string =>
  String(s ?? '')
    .replace(BREAKS, '\n')
    .replace(CONTROLS, '');

/** A TEXT value written by hand (NAME, X-WR-CALNAME): one line, with \ ; , escaped (RFC 5545 §3.3.11). */
export const escapeText = (s: string | null | undefined): string => lineText(s).replace(/[\\;,]/g, (c) => `\\${c}`);

/**
 * A quoted parameter value (CN="…"): a DQUOTE would end it, so ^ and " are encoded per RFC 6868
 * (^^ and ^'), which ical.js, libical and Apple Calendar decode. ical-generator only adds quotes.
 */
export const paramText = (s: string | null | undefined): string => lineText(s).replace(/\^/g, '^^').replace(/"/g, "^'");

/** An address usable after mailto: (no space, quote, bracket or separator), else null. */
export const mailAddress = (s: string | null | undefined): string | null => {
  const v = String(s ?? '').trim();
  return /^[^\s"<>()\\;:,]+@[^\s"<>()\\;:,@]+$/.test(v) ? v : null;
};

/** A web address for URL: (http or https, no whitespace, quote or control), else null. */
export const webAddress = (s: string | null | undefined): string | null => {
  const v = String(s ?? '').trim();
  return /^https?:\/\/[^\s"<>\\]+$/i.test(v) && lineText(v) === v ? v : null;
};

/** A time zone name for TZID= (a parameter written by hand): IANA name characters only, else UTC. */
export const zoneName = (z: unknown): string => (typeof z === 'string' && /^[A-Za-z][\w+-]*(\/[\w+-]+)*$/.test(z) ? z : 'UTC');
