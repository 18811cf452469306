import { z } from 'zod';
import { email, locale, personName } from '../auth/schemas.js';
import { roles } from './roles.js';

import { isTimeZone } from '../util/time-zones.js';

export const roleSchema = z.enum(roles, { message: 'validation:choice' });
export const inviteSchema = z.object({ name: personName, email, role: roleSchema, locale });
export const roleChangeSchema = z.object({ role: roleSchema });
export const profileSchema = z.object({
  name: personName,
  locale,
  timezone: z.string().refine(isTimeZone, 'validation:timezone'),
  // Blank: the organization's default lead time.
  meetingReminderHours: z
    .string()
    .trim()
    .refine((v) => v === '' || (/^\d{1,3}$/.test(v) && Number(v) <= 168), 'validation:leadHours')
    .transform((v) => (v === '' ? null : Number(v))),
});
