// Free-text fields that travel beyond the page (into calendar files, mail subjects, CSV exports):
// a single-line field (a title, a place, a person's name) refuses line breaks and every other
// control character; a multi-line field (an agenda, minutes) keeps line breaks and tabs and refuses
// the other controls. Refused rather than silently stripped, so the user sees what was wrong;
// output escapes as well (src/meetings/ics-text.ts), for what was stored before this check.
import { z } from 'zod';

/** C0 controls but tab, DEL, C1 controls (NEL among them), and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_CONTROLS = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029]/;
/** The same, minus what a multi-line text may hold: tab, line feed, carriage return and the separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BLOCK_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export const hasLineControls = (v: string): boolean => LINE_CONTROLS.test(v);
export const hasBlockControls = (v: string): boolean => BLOCK_CONTROLS.test(v);

/** One line of text, trimmed, at most `max` characters. Chain `.min(1, 'validation:required')` when needed. */
export const singleLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'validation:tooLong')
    .refine((v) => !hasLineControls(v), 'validation:singleLine');

/** Text on several lines, at most `max` characters. */
export const multiLine = (max: number) =>
  z
    .string()
    .max(max, 'validation:tooLong')
    .refine((v) => !hasBlockControls(v), 'validation:control');
