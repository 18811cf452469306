import { z } from 'zod';
import { singleLine } from '../http/text-fields.js';
import { locales } from '../users/roles.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-policy.js';

export const email = z.string().trim().toLowerCase().max(254, 'validation:tooLong').pipe(z.email('validation:email'));
// The length here gives the quick field error; the policy (password-policy.ts) has the last word.
export const password = z
  .string()
  .refine((v) => [...v].length >= PASSWORD_MIN_LENGTH, 'validation:passwordShort')
  .refine((v) => [...v].length <= PASSWORD_MAX_LENGTH, 'validation:tooLong');
export const personName = singleLine(120).min(1, 'validation:required'); // reaches calendar files and mail headers
export const locale = z.enum(locales, { message: 'validation:choice' });

const passwordsMatch = (v: { password: string; passwordConfirm: string }) => v.password === v.passwordConfirm;
const mismatch = { path: ['passwordConfirm'], message: 'validation:passwordMismatch' };

export const setupSchema = z
  .object({ name: personName, email, locale, password, passwordConfirm: z.string() })
  .refine(passwordsMatch, mismatch);
export const loginSchema = z.object({
  email: z.string().trim().min(1, 'validation:required').max(254),
  password: z.string().min(1, 'validation:required').max(200),
});
export const forgotSchema = z.object({ email });
export const newPasswordSchema = z.object({ password, passwordConfirm: z.string() }).refine(passwordsMatch, mismatch);
export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1, 'validation:required').max(PASSWORD_MAX_LENGTH, 'validation:tooLong'),
    password,
    passwordConfirm: z.string(),
  })
  .refine(passwordsMatch, mismatch);
