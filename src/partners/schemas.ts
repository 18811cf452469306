import { z } from 'zod';
import { singleLine } from '../http/text-fields.js';
import { calendarDate, optionalCalendarDate } from '../http/validate.js';
import { locales } from '../users/roles.js';
import { partnerTypes, priorities, resourceCategories, stages } from './constants.js';

const text = (max: number) => z.string().trim().max(max, 'validation:tooLong').default('');
const objectId = z.string().regex(/^[a-f0-9]{24}$/i, 'validation:choice');

export const partnerSchema = z.object({
  name: z.string().trim().min(1, 'validation:required').max(200, 'validation:tooLong'),
  type: z.enum(partnerTypes, { message: 'validation:choice' }),
  sector: text(120),
  region: text(120),
  address: text(500),
  website: z
    .string()
    .trim()
    .max(300, 'validation:tooLong')
    .refine((v) => v === '' || /^https?:\/\/[^\s]+\.[^\s]+$/i.test(v), 'validation:url')
    .default(''),
  description: text(5000),
  ownerId: objectId,
  tags: z
    .string()
    .max(500, 'validation:tooLong')
    .default('')
    .transform((v) =>
      [
        ...new Set(
          v
            .split(',')
            .map((t) => t.trim().toLowerCase())
            .filter(Boolean),
        ),
      ].slice(0, 20),
    ),
  priority: z.enum(priorities, { message: 'validation:choice' }).default('medium'),
  // Checked by the revision rule (db/revision.ts), which refuses a missing or malformed one.
  rev: z.string().optional(),
});
export type PartnerInput = z.output<typeof partnerSchema>;

export const contactSchema = z.object({
  // A contact's name reaches the attendee lines of meeting invitations: one line.
  name: singleLine(120).min(1, 'validation:required'),
  role: text(120),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'validation:tooLong')
    .refine((v) => v === '' || z.email().safeParse(v).success, 'validation:email')
    .default(''),
  phone: text(40),
  locale: z.enum(locales, { message: 'validation:choice' }).default('fr'),
  emailConsent: z.literal('on').optional().transform(Boolean),
  primary: z.literal('on').optional().transform(Boolean),
});
export type ContactInput = z.output<typeof contactSchema>;

export const resourceSchema = z.object({
  category: z.enum(resourceCategories, { message: 'validation:choice' }),
  description: z.string().trim().min(1, 'validation:required').max(500, 'validation:tooLong'),
});

export const stageSchema = z
  .object({ stage: z.enum(stages, { message: 'validation:choice' }), reason: text(1000) })
  .refine((v) => v.stage !== 'closed' || v.reason.length > 0, { path: ['reason'], message: 'partners:errors.closeReason' });

export const interactionSchema = z.object({
  kind: z.enum(['call', 'email', 'meeting', 'visit', 'event', 'note'], { message: 'validation:choice' }),
  date: calendarDate,
  summary: z.string().trim().min(1, 'validation:required').max(5000, 'validation:tooLong'),
});

export const listQuerySchema = z.object({
  q: z.string().trim().max(200).catch(''),
  type: z.enum(partnerTypes).optional().catch(undefined),
  stage: z.enum(stages).optional().catch(undefined),
  owner: z
    .union([objectId, z.literal('me')])
    .optional()
    .catch(undefined),
  region: z.string().trim().max(120).optional().catch(undefined),
  tag: z.string().trim().toLowerCase().max(60).optional().catch(undefined),
  resource: z.enum(resourceCategories).optional().catch(undefined),
  archived: z.enum(['1']).optional().catch(undefined),
  sort: z.enum(['name', '-updated', 'stage', 'type']).catch('name'),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const explorationSchema = z.object({
  interestConfirmedAt: optionalCalendarDate.transform((v) => (v ? new Date(`${v}T12:00:00Z`) : null)),
  interestConfirmedBy: text(120),
  rev: z.string().optional(), // checked by the revision rule (db/revision.ts)
  interestHow: text(500),
  sharedGoals: text(5000),
  collaboration: text(5000),
  workSchedules: text(2000),
  financialMechanisms: text(2000),
  reporting: text(2000),
  successIndicators: text(2000),
});
