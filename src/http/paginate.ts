import { z } from 'zod';

const pageSchema = z.coerce.number().int().min(1).max(100_000).catch(1);

export interface Page {
  page: number;
  perPage: number;
}

export function pageFrom(query: unknown, perPage = 25): Page {
  const raw = (query as Record<string, unknown> | undefined)?.page;
  return { page: pageSchema.parse(typeof raw === 'string' ? raw : 1), perPage };
}

export interface Pagination {
  page: number;
  pages: number;
  total: number;
  perPage: number;
  prev: number | null;
  next: number | null;
}

export function pagination(p: Page, total: number): Pagination {
  const pages = Math.max(1, Math.ceil(total / p.perPage));
  return { page: p.page, pages, total, perPage: p.perPage, prev: p.page > 1 ? p.page - 1 : null, next: p.page < pages ? p.page + 1 : null };
}
