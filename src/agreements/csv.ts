// CSV exports of the filtered agreement list and of their KPI measurements, streamed from cursors.
import { partnerNamesById } from '../partners/directory.js';
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import type { QueryFilter } from 'mongoose';
import type { SessionUser } from '../users/service.js';
import { completeness } from './completeness.js';
import { AgreementModel, KpiMeasurementModel, type AgreementDoc } from './model.js';
import { agreementListSort, listFilter, type AgreementListQuery } from './service.js';
import { findSorted, type Filter } from '../db/query.js';
import { userEmails } from '../users/people.js';

export const agreementColumns = [
  'title',
  'status',
  'kind',
  'language',
  'partners',
  'owner_email',
  'start_date',
  'end_date',
  'renewal_notice_days',
  'completeness',
  'missing_elements',
  'funding_total',
  'currency',
  'kpis',
  'kpis_on_track',
  'kpis_at_risk',
  'kpis_off_track',
  'approved_at',
  'id',
] as const;

export const measurementColumns = [
  'agreement',
  'agreement_status',
  'kpi',
  'unit',
  'baseline',
  'target',
  'direction',
  'period_start',
  'period_end',
  'value',
  'comment',
  'recorded_by',
  'recorded_at',
  'agreement_id',
] as const;

const day = (d: Date | null | undefined) => (d ? new Date(d).toISOString().slice(0, 10) : '');

function start(res: Response, name: string) {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.csv"`);
  res.write('\uFEFF'); // BOM: spreadsheets then read UTF-8 accents correctly
}

/** Partner names, for the partners of the agreements in the filter (one query, bounded). */
async function partnerNameMap(f: QueryFilter<AgreementDoc>) {
  const ids = await AgreementModel.distinct('partnerIds', f);
  return partnerNamesById(ids.slice(0, 20000));
}

export async function streamAgreementsCsv(res: Response, q: AgreementListQuery, user: SessionUser): Promise<void> {
  const f = await listFilter(q, user);
  const [emails, partners] = await Promise.all([userEmails(), partnerNameMap(f)]);
  start(res, 'agreements');
  // The list's own query (filter and order), answered by the database: a stream, whatever the size.
  const cursor = Readable.from(findSorted(AgreementModel, f as Filter, agreementListSort));
  const toRows = new Transform({
    objectMode: true,
    transform(a: AgreementDoc | null, _enc, done) {
      if (!a) return done();
      const count = (s: string) => a.kpis.filter((k) => k.status === s).length;
      this.push([
        a.title,
        a.status,
        a.kind,
        a.language,
        a.partnerIds.map((p) => partners.get(String(p)) ?? '').join(' | '),
        emails.get(String(a.ownerId)) ?? '',
        day(a.startDate),
        day(a.endDate),
        a.renewalNoticeDays,
        `${a.completeness}/8`,
        completeness(a).missing.join(' | '),
        a.funding?.none ? 'none' : (a.funding?.total ?? ''),
        a.funding?.currency ?? '',
        a.kpis.length,
        count('on_track'),
        count('at_risk'),
        count('off_track'),
        day(a.approvedAt),
        String(a._id),
      ]);
      done();
    },
  });
  await pipeline(cursor, toRows, stringify({ header: true, columns: [...agreementColumns], escape_formulas: true }), res);
}

export interface MeasurementCsvQuery extends AgreementListQuery {
  from?: Date;
  to?: Date;
}

/** Measurements of the KPIs of the agreements in the filter, optionally within a period (by period end). */
export async function streamMeasurementsCsv(res: Response, q: MeasurementCsvQuery, user: SessionUser): Promise<void> {
  const f = await listFilter(q, user);
  const agreements = await AgreementModel.find(f, { title: 1, status: 1, kpis: 1 }).limit(20000).lean();
  const byId = new Map(agreements.map((a) => [String(a._id), a]));
  const kpis = new Map(agreements.flatMap((a) => a.kpis.map((k) => [String(k._id), k] as const)));
  const mf: Record<string, unknown> = { agreementId: { $in: agreements.map((a) => a._id) } };
  if (q.from || q.to) mf.periodEnd = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
  start(res, 'kpi-measurements');
  const cursor = KpiMeasurementModel.find(mf).sort({ periodEnd: -1, _id: 1 }).lean().cursor({ batchSize: 500 });
  const toRows = new Transform({
    objectMode: true,
    transform(m: Awaited<ReturnType<typeof cursor.next>>, _enc, done) {
      if (!m) return done();
      const a = byId.get(String(m.agreementId));
      const k = kpis.get(String(m.kpiId));
      this.push([
        a?.title ?? '',
        a?.status ?? '',
        k?.name ?? '',
        k?.unit ?? '',
        k?.baseline ?? '',
        k?.target ?? '',
        k?.direction ?? '',
        day(m.periodStart),
        day(m.periodEnd),
        m.value,
        m.comment,
        m.recordedByName,
        m.createdAt ? new Date(m.createdAt).toISOString() : '',
        String(m.agreementId),
      ]);
      done();
    },
  });
  await pipeline(cursor, toRows, stringify({ header: true, columns: [...measurementColumns], escape_formulas: true }), res);
}
