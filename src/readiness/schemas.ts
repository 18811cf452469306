import { z } from 'zod';
import { readinessCriteria } from './model.js';

const score = z.coerce
  .number({ message: 'validation:choice' })
  .int('validation:choice')
  .min(1, 'validation:choice')
  .max(5, 'validation:choice');
const comment = z.string().trim().max(1000, 'validation:tooLong').default('');

export const assessmentSchema = z.object(
  Object.fromEntries(readinessCriteria.flatMap((c) => [[`${c}Score`, score] as const, [`${c}Comment`, comment] as const])) as Record<
    string,
    typeof score | typeof comment
  >,
);
