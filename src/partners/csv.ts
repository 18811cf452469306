// CSV export of the filtered partner list, streamed from a cursor: memory stays flat at any size.
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import type { SessionUser } from '../users/service.js';
import { PartnerModel, type PartnerDoc } from './model.js';
import type { ListQuery } from './schemas.js';
import { listFilter, listSorts } from './service.js';
import { findSorted } from '../db/query.js';
import { userEmails } from '../users/people.js';

export const csvColumns = [
  'name',
  'type',
  'stage',
  'sector',
  'region',
  'address',
  'website',
  'description',
  'owner_email',
  'tags',
  'priority',
  'resources',
  'contact_name',
  'contact_role',
  'contact_email',
  'contact_phone',
  'contact_language',
  'contact_consent',
] as const;

export async function streamPartnersCsv(res: Response, q: ListQuery, user: SessionUser): Promise<void> {
  const emails = await userEmails();
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="partners-${new Date().toISOString().slice(0, 10)}.csv"`);
  res.write('\uFEFF'); // BOM: spreadsheets then read UTF-8 accents correctly
  // The list's own query (filter and sort), answered by the database: a stream, whatever the size.
  const cursor = Readable.from(findSorted(PartnerModel, listFilter(q, user), listSorts[q.sort]));
  // One row per contact (the partner's fields repeated), or one row when it has none.
  const toRows = new Transform({
    objectMode: true,
    transform(p: PartnerDoc, _enc, done) {
      const base = [
        p.name,
        p.type,
        p.stage,
        p.sector,
        p.region,
        p.address,
        p.website,
        p.description,
        emails.get(String(p.ownerId)) ?? '',
        p.tags.join(', '),
        p.priority,
        p.resources.map((r) => `${r.category}: ${r.description.replace(/;/g, ',')}`).join('; '),
      ];
      const contacts = p.contacts.length ? p.contacts : [null];
      for (const c of contacts)
        this.push([
          ...base,
          c?.name ?? '',
          c?.role ?? '',
          c?.email ?? '',
          c?.phone ?? '',
          c?.locale ?? '',
          c ? (c.emailConsent ? 'yes' : 'no') : '',
        ]);
      done();
    },
  });
  await pipeline(cursor, toRows, stringify({ header: true, columns: [...csvColumns], escape_formulas: true }), res);
}
