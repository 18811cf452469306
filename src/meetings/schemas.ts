import { z } from 'zod';
import { hasLineControls, multiLine, singleLine } from '../http/text-fields.js';
import { calendarDate, isCalendarDate, numberInput, parseFormNumber } from '../http/validate.js';
import { meetingKinds } from './constants.js';
import { cadences, monthlyModes, seriesTooLong } from './recurrence.js';

import { isTimeZone } from '../util/time-zones.js';

// Titles and places reach calendar files and mail subjects: one line, no control character.
const title = singleLine(300).min(1, 'validation:required');
const place = singleLine(500).default('');
const text = (max: number) => multiLine(max).default('');
export const isoDate = calendarDate;
const duration = numberInput(z.number().int('validation:number').min(5, 'validation:number').max(720, 'validation:number'));
const time = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'meetings:validation.time');
const optionalUrl = z
  .string()
  .trim()
  .max(1000, 'validation:tooLong')
  .refine((v) => v === '' || (/^https?:\/\/\S+$/.test(v) && !hasLineControls(v)), 'validation:url')
  .default('');

export const meetingSchema = z
  .object({
    kind: z.enum(meetingKinds, { message: 'validation:choice' }),
    title,
    partnerId: z.string().regex(/^[a-f0-9]{24}$/i, 'meetings:validation.partner'),
    agreementId: z
      .string()
      .regex(/^([a-f0-9]{24})?$/i, 'validation:choice')
      .default(''),
    date: isoDate,
    time,
    durationMinutes: duration,
    zone: z.string().refine(isTimeZone, 'validation:timezone'),
    location: place,
    videoUrl: optionalUrl,
    agenda: text(20000),
    cadence: z.enum(['none', ...cadences], { message: 'validation:choice' }),
    monthlyMode: z.enum(monthlyModes, { message: 'validation:choice' }).default('date'),
    endMode: z.enum(['until', 'count'], { message: 'validation:choice' }).default('count'),
    untilDate: z.string().trim().default(''),
    count: z.string().trim().default(''),
  })
  .superRefine((v, ctx) => {
    if (v.cadence === 'none') return;
    if (v.endMode === 'count') {
      const n = parseFormNumber(v.count) ?? Number.NaN;
      if (!Number.isInteger(n) || n < 1 || n > 200) ctx.addIssue({ code: 'custom', path: ['count'], message: 'meetings:validation.count' });
    } else if (!isCalendarDate(v.untilDate) || v.untilDate < v.date)
      ctx.addIssue({ code: 'custom', path: ['untilDate'], message: 'meetings:validation.until' });
    else if (
      seriesTooLong({
        cadence: v.cadence,
        monthlyMode: v.monthlyMode,
        startDate: v.date,
        startTime: v.time,
        zone: v.zone,
        untilDate: v.untilDate,
      })
    )
      ctx.addIssue({ code: 'custom', path: ['untilDate'], message: 'meetings:validation.tooMany' });
  });

export const occurrenceSchema = z.object({
  title,
  date: isoDate,
  time,
  durationMinutes: duration,
  location: place,
  videoUrl: optionalUrl,
  scope: z.enum(['one', 'following'], { message: 'validation:choice' }).default('one'),
});

export const minutesSchema = z.object({ agenda: text(20000), minutes: text(50000), decisions: text(20000) });

export const actionItemSchema = z.object({
  itemTitle: title,
  itemOwnerId: z.string().regex(/^[a-f0-9]{24}$/i, 'validation:choice'),
  itemDueDate: z.union([z.literal(''), isoDate]).default(''),
});

export const listQuerySchema = z.object({
  scope: z.enum(['mine', 'team', 'all']).catch('mine'),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional()
    .catch(undefined),
});
