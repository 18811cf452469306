import { z } from 'zod';
import { taskStatuses } from './model.js';

export const taskSchema = z.object({
  title: z.string().trim().min(1, 'validation:required').max(300, 'validation:tooLong'),
  ownerId: z.string().regex(/^[a-f0-9]{24}$/i, 'validation:choice'),
  dueDate: z
    .string()
    .trim()
    .refine((v) => v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v), 'validation:date')
    .default(''),
});

export const taskStatusSchema = z.object({ status: z.enum(taskStatuses, { message: 'validation:choice' }) });

export const templateSchema = z.object({
  name: z.string().trim().min(1, 'validation:required').max(200, 'validation:tooLong'),
  // One task per line: "offset in days | title", e.g. "7 | Confirm the partner's interest".
  items: z
    .string()
    .max(10000, 'validation:tooLong')
    .transform((v, ctx) => {
      const items: { title: string; offsetDays: number }[] = [];
      for (const line of v.split(/\r?\n/)) {
        if (!line.trim()) continue;
        const m = /^\s*(\d{1,4})\s*\|\s*(.{1,300})$/.exec(line);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: 'tasks:templates.badLine' });
          return z.NEVER;
        }
        items.push({ offsetDays: Number(m[1]), title: m[2]!.trim() });
      }
      if (!items.length) {
        ctx.addIssue({ code: 'custom', message: 'validation:required' });
        return z.NEVER;
      }
      return items.slice(0, 50);
    }),
});
