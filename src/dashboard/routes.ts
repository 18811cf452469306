import { Router, type Request, type Response } from 'express';
import { stringify } from 'csv-stringify';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { config } from '../config.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { parseId } from '../http/ids.js';
import { openDocument } from '../documents/service.js';
import { sendDocument } from '../documents/routes.js';
import { pageFrom, pagination } from '../http/paginate.js';
import { partnerTypes, stages } from '../partners/constants.js';
import { agreementStatuses } from '../agreements/constants.js';
import { healthDimensions } from '../progress/constants.js';
import { chartSpec } from '../http/chart.js';
import { GAP_FLAG_POINTS } from '../progress/two-sided.js';
import { blockSchema, filterFrom, rowKeyFrom } from './schemas.js';
import {
  attainmentStatuses,
  blockRows,
  dashboard,
  endingWindows,
  MASTERY_AGREEMENTS,
  MASTERY_TYPES,
  periods,
  type RowBlock,
} from './service.js';
import { agreementForShare, createShareLink, revokeShareLink, sharedView, shareLinks } from './share.js';
import { refusedTo } from '../http/refusal.js';
import { clockIn, dayIn } from '../util/formats.js';
import { activeUserNames, userName } from '../users/people.js';

export const dashboardRouter = Router();
export const sharedRouter = Router();

/** The filter as query-string values, to carry it into click-through links. */
function filterQuery(owner: string, f: ReturnType<typeof filterFrom>['filter']): Record<string, string> {
  const q: Record<string, string> = { owner, period: String(f.period) };
  if (f.type) q.type = f.type;
  if (f.region) q.region = f.region;
  return q;
}
const toQs = (q: Record<string, string | number | null | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  return p.toString();
};

async function pageData(req: Request) {
  const { filter, owner } = filterFrom(req.query, req.user!);
  const data = await dashboard(filter);
  const base = filterQuery(owner, filter);
  const t = req.t.bind(req);
  /** The list behind a figure: the block's records under `key` (all of them without), with this filter. */
  const rowsHref = (block: RowBlock, key?: string) => `/dashboard/rows/${block}?${toQs({ ...base, key })}`;
  const csvHref = (block: RowBlock, key?: string) => `/dashboard/rows/${block}.csv?${toQs({ ...base, key })}`;
  const chart = chartSpec;
  const charts = {
    pipeline: chart(
      'bar',
      stages.map((s) => t(`partners:stages.${s}`)),
      [
        { label: t('dashboard:pipeline.partners'), data: data.pipeline.perStage.map((s) => s.count) },
        { label: t('dashboard:pipeline.entered', { days: filter.period }), data: stages.map((s) => data.pipeline.entered[s]) },
      ],
    ),
    status: chart(
      'bar',
      agreementStatuses.map((s) => t(`agreements:statuses.${s}`)),
      [{ label: t('dashboard:agreements.count'), data: data.agreements.perStatus.map((s) => s.count) }],
    ),
    attainment: chart(
      'doughnut',
      attainmentStatuses.map((s) => t(`dashboard:kpiStatus.${s}`)),
      [{ label: t('dashboard:attainment.kpis'), data: attainmentStatuses.map((s) => data.attainment.counts[s]) }],
    ),
    health: chart(
      'line',
      data.health.trend.map((m) => m.month),
      [
        { label: t('dashboard:health.average'), data: data.health.trend.map((m) => m.average) },
        { label: t('dashboard:health.partnerAverage'), data: data.health.trend.map((m) => m.partner) },
      ],
      { yMin: 5, yMax: 25 },
    ),
    diversity: chart(
      'bar',
      partnerTypes.map((x) => t(`partners:types.${x}`)),
      [{ label: t('dashboard:diversity.agreements'), data: data.diversity.perType.map((d) => d.count) }],
    ),
    mastery: chart(
      'bar',
      data.mastery.map((m) => m.name),
      [
        { label: t('dashboard:mastery.agreements'), data: data.mastery.map((m) => m.agreements) },
        { label: t('dashboard:mastery.types'), data: data.mastery.map((m) => m.types) },
      ],
    ),
  };
  const users = await activeUserNames();
  return { filter, owner, data, base, rowsHref, csvHref, charts, users };
}

const statics = {
  stages,
  partnerTypes,
  agreementStatuses,
  attainmentStatuses,
  endingWindows,
  periods,
  healthDimensions,
  gapFlagPoints: GAP_FLAG_POINTS,
  blockerEscalationDays: config.reminders.blockerEscalationDays,
  MASTERY_AGREEMENTS,
  MASTERY_TYPES,
};

// Figures are never cached, not even by the browser: a user's own change shows on the next visit.
dashboardRouter.use('/dashboard', (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
});

dashboardRouter.get('/dashboard', async (req, res) => {
  const d = await pageData(req);
  res.render('dashboard/index', {
    title: req.t('dashboard:title'),
    ...statics,
    ...d,
    scripts: ['/public/vendor/chart.umd.min.js', '/public/js/dashboard-charts.js'],
  });
});

dashboardRouter.get('/dashboard/report', async (req, res) => {
  const d = await pageData(req);
  res.render('dashboard/report', { layout: false, title: req.t('dashboard:report.title'), ...statics, ...d, generatedAt: new Date() });
});

dashboardRouter.get('/dashboard/rows/:block', async (req, res) => {
  const raw = String(req.params.block);
  const csv = raw.endsWith('.csv');
  const parsed = blockSchema.safeParse(csv ? raw.slice(0, -4) : raw);
  const key = rowKeyFrom(req.query);
  if (!parsed.success || key === null) throw notFound();
  const block = parsed.data;
  const { filter, owner } = filterFrom(req.query, req.user!);
  const table = await blockRows(block, key, filter);
  if (csv) return sendCsv(res, block, table, req.t.bind(req), req.user!.timezone);
  const page = pageFrom(req.query, 50);
  const pager = pagination(page, table.rows.length);
  const what = key === undefined ? null : await keyLabel(block, key, req.t.bind(req));
  res.render('dashboard/rows', {
    title: what ? `${req.t(`dashboard:rows.${block}`)} — ${what}` : req.t(`dashboard:rows.${block}`),
    block,
    table: { columns: table.columns, rows: table.rows.slice((page.page - 1) * page.perPage, page.page * page.perPage) },
    total: table.rows.length,
    pager,
    csvHref: `/dashboard/rows/${block}.csv?${toQs({ ...filterQuery(owner, filter), key })}`,
    backHref: `/dashboard?${toQs(filterQuery(owner, filter))}`,
  });
});

/** What a key names, in the reader's language (a stage, a status, a partner type, a professional...). */
async function keyLabel(block: RowBlock, key: string, t: (k: string, o?: Record<string, unknown>) => string): Promise<string> {
  const stage = (s: string) => (s === 'new' ? t('dashboard:pipeline.new') : t(`partners:stages.${s}`));
  switch (block) {
    case 'stage':
      return stage(key);
    case 'movement':
      return key.includes('>') ? key.split('>').map(stage).join(' → ') : t('dashboard:rows.entered', { stage: stage(key) });
    case 'status':
      return t(`agreements:statuses.${key}`);
    case 'ending':
      return t('dashboard:agreements.within', { days: key });
    case 'kpis':
      return t(`dashboard:kpiStatus.${key}`);
    case 'diversity':
      return t(`partners:types.${key}`);
    case 'blockers':
      return t('dashboard:rows.escalated');
    case 'sides':
      return key === 'differ' ? t('dashboard:rows.differ') : t(`progress:dimensions.${key}`);
    case 'mastery':
      return /^[a-f0-9]{24}$/i.test(key) ? ((await userName(key)) ?? key) : key;
    default:
      return key;
  }
}

async function sendCsv(res: Response, block: string, table: Awaited<ReturnType<typeof blockRows>>, t: (k: string) => string, zone: string) {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="dashboard-${block}-${new Date().toISOString().slice(0, 10)}.csv"`);
  res.write('\uFEFF'); // BOM: spreadsheets read UTF-8 accents correctly
  // A spreadsheet reads ISO days and 24-hour times in any language; a meeting's start keeps its time.
  const cell = (c: string | number | Date, column: string) =>
    c instanceof Date ? (column === 'start' ? `${dayIn(zone, c)} ${clockIn(zone, c)}` : dayIn(zone, c)) : c;
  const rows = Readable.from(table.rows.map((r) => r.cells.map((c, i) => cell(c, table.columns[i]!))));
  await streamPipeline(
    rows,
    stringify({ header: true, columns: table.columns.map((c) => t(`dashboard:columns.${c}`)), escape_formulas: true }),
    res,
  );
}

// ---------- sharing an agreement's measurement with its partners ----------

async function sharePage(req: Request, res: Response, newToken: string | null = null) {
  const id = parseId(req.params.id);
  const { agreement, canShare } = await agreementForShare(req.user!, id);
  const links = canShare ? await shareLinks(id) : [];
  res.render('dashboard/share', {
    title: req.t('dashboard:share.title'),
    agreement,
    canShare,
    links,
    newUrl: newToken ? `${config.baseUrl}/shared/${newToken}` : null,
  });
}

dashboardRouter.get('/agreements/:id/share', (req, res) => sharePage(req, res));

dashboardRouter.post('/agreements/:id/share', refusedTo('/agreements/:id/share'), async (req, res) => {
  const token = await createShareLink(req.user!, parseId(req.params.id));
  res.status(201);
  await sharePage(req, res, token);
});

dashboardRouter.post('/agreements/:id/share/:linkId/revoke', refusedTo('/agreements/:id/share'), async (req, res) => {
  const id = parseId(req.params.id);
  await revokeShareLink(req.user!, id, parseId(req.params.linkId));
  flash(req, 'success', 'dashboard:share.revoked');
  res.redirect(`/agreements/${String(id)}/share`);
});

sharedRouter.get('/shared/:token', async (req, res) => {
  const view = await sharedView(String(req.params.token));
  if (!view) throw notFound();
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  res.render('dashboard/shared', { title: view.agreement.title, view, token: String(req.params.token) });
});

sharedRouter.get('/shared/:token/documents/:docId', async (req, res) => {
  const view = await sharedView(String(req.params.token));
  if (!view) throw notFound();
  res.setHeader('Referrer-Policy', 'no-referrer');
  await sendDocument(res, await openDocument(parseId(req.params.docId), { agreementId: view.agreementId }), false);
});
