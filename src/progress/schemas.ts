import { z } from 'zod';
import { kpiValueProblem } from '../agreements/kpis.js';
import { isoDate } from '../meetings/schemas.js';
import { inLocale, numberInput, parseFormNumber } from '../http/validate.js';
import { checkStatuses, healthDimensions } from './constants.js';

const rating = numberInput(
  z.number().int('progress:validation.rating').min(1, 'progress:validation.rating').max(5, 'progress:validation.rating'),
  'progress:validation.rating',
);
const text = (max: number) => z.string().max(max, 'validation:tooLong').default('');

export const checkSchema = z
  .object({
    periodStart: isoDate,
    periodEnd: isoDate,
    status: z.enum(checkStatuses, { message: 'validation:choice' }),
    progress: text(10000),
    challenges: text(10000),
    supportNeeded: text(5000),
    nextSteps: text(5000),
    nextStepsDue: z.union([z.literal(''), isoDate]).default(''),
    meetingId: z
      .string()
      .regex(/^([a-f0-9]{24})?$/i, 'validation:choice')
      .default(''),
    ...Object.fromEntries(healthDimensions.map((d) => [`health_${d}`, rating])),
    ...Object.fromEntries(healthDimensions.map((d) => [`comment_${d}`, text(2000)])),
  })
  .refine((v) => v.periodEnd >= v.periodStart, { path: ['periodEnd'], message: 'progress:validation.period' });

/** KPI values from `kpi_<id>` fields: empty means not measured; anything else a number its unit allows. */
export function kpiValuesFrom(values: Record<string, string>, kpis: { id: string; unit: string }[], locale?: string) {
  const out: { kpiId: string; value: number }[] = [];
  const errors: Record<string, string> = {};
  for (const { id, unit } of kpis) {
    const raw = (values[`kpi_${id}`] ?? '').trim();
    if (!raw) continue;
    const n = inLocale(locale, () => parseFormNumber(raw));
    const problem = n !== null ? kpiValueProblem(unit, n) : 'validation:numberExample';
    if (problem) errors[`kpi_${id}`] = problem;
    else out.push({ kpiId: id, value: n! });
  }
  return { values: out, errors };
}
