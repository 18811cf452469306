import { z } from 'zod';
import { numberInput } from '../http/validate.js';
import { readinessCriteria } from './constants.js';

const score = numberInput(z.number().int('validation:choice').min(1, 'validation:choice').max(5, 'validation:choice'), 'validation:choice');
const comment = z.string().trim().max(1000, 'validation:tooLong').default('');

export const assessmentSchema = z.object(
  Object.fromEntries(readinessCriteria.flatMap((c) => [[`${c}Score`, score] as const, [`${c}Comment`, comment] as const])) as Record<
    string,
    typeof score | typeof comment
  >,
);
