// Input validation at the edge: a zod schema turns a form body or query into typed data, or into
// per-field error messages (i18n keys) to show on the same page with the user's input kept.
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export type ParseResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Form values as strings only: anything else a client sends (arrays, objects) is dropped, not interpreted. */
export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (typeof v === 'string') out[k] = v;
    }
  }
  return out;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || '_form';
    errors[field] ??= issue.message.includes(':') ? issue.message : 'validation:invalid';
  }
  return { ok: false, errors };
}

/** Repeated form fields (several inputs with one name) as string arrays, strings only, padded to one length. */
export function formLists(body: unknown, names: string[]): Record<string, string[]> {
  const src = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const lists = names.map((n) => {
    const v = src[n];
    return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : '')) : typeof v === 'string' ? [v] : [];
  });
  const length = Math.max(0, ...lists.map((l) => l.length));
  return Object.fromEntries(names.map((n, i) => [n, Array.from({ length }, (_, j) => lists[i]![j] ?? '')]));
}
