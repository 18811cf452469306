import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { config } from '../config.js';
import { flash } from '../http/flash.js';
import { forbidden, HttpError } from '../http/errors.js';
import { orNotFound, parseId } from '../http/ids.js';
import { formValues, parseInput } from '../http/validate.js';
import { checkStatuses, healthBand, healthDimensions, HEALTH_BANDS, type HealthDimension } from './constants.js';
import { checkSchema, kpiValuesFrom } from './schemas.js';
import { agreementForCheck, dimensionSummary, getCheck, healthTrend, recordCheck, sparklinePoints } from './service.js';
import { compareSides, GAP_FLAG_POINTS, latestComparison } from './two-sided.js';
import { chartSpec } from '../http/chart.js';
import { measurementsOfCheck } from '../agreements/measurements-directory.js';
import { followUpRound } from '../reminders/followup.js';
import { refusedTo } from '../http/refusal.js';
import { pagePanel } from '../http/page-panel.js';
import { agreementFollowUp, agreementForHealth, agreementTitleAndKpis } from '../agreements/lookups.js';
import { tasksOfCheck } from '../tasks/service.js';
import { documentPanel } from '../documents/service.js';

export const progressRouter = Router();

// The agreement page's "seen from both sides" summary (the agreements router renders the page).
export const healthPanelRouter = pagePanel('/agreements/:id', async (id) => ({ healthSides: latestComparison(await healthTrend(id)) }));
const zoneOf = (req: Request) => req.user?.timezone ?? config.defaultTimezone;

async function formLocals(req: Request, agreementId: Types.ObjectId) {
  const { agreement, canWrite } = await agreementForCheck(req.user!, agreementId);
  if (!canWrite) throw forbidden();
  return { title: req.t('progress:new.title'), agreement, statuses: checkStatuses, dimensions: healthDimensions };
}

progressRouter.get('/agreements/:id/progress/new', async (req, res) => {
  const id = parseId(req.params.id);
  const locals = await formLocals(req, id);
  const zone = zoneOf(req);
  const [last, round] = await Promise.all([agreementFollowUp(id), followUpRound(id, locals.agreement.partnerIds)]);
  const end = DateTime.now().setZone(zone);
  const meetingId = typeof req.query.meetingId === 'string' && /^[a-f0-9]{24}$/i.test(req.query.meetingId) ? req.query.meetingId : '';
  res.render('progress/new', {
    ...locals,
    values: {
      periodStart: end.minus({ months: 3 }).toISODate(),
      periodEnd: end.toISODate(),
      status: 'on_track',
      meetingId,
      ...Object.fromEntries(healthDimensions.map((d) => [`health_${d}`, '3'])),
    },
    errors: {},
    nextCheckDue: last?.followUp?.nextCheckDue ?? null,
    round,
  });
});

progressRouter.post('/agreements/:id/progress', refusedTo('/agreements/:id/progress/new'), async (req, res) => {
  const id = parseId(req.params.id);
  const locals = await formLocals(req, id);
  const values = formValues(req.body);
  const parsed = parseInput(checkSchema, values, req.language);
  const kpis = kpiValuesFrom(
    values,
    locals.agreement.kpis.map((k) => ({ id: String(k._id), unit: k.unit })),
    req.language,
  );
  if (!parsed.ok || Object.keys(kpis.errors).length)
    return res
      .status(422)
      .render('progress/new', { ...locals, values, errors: { ...(parsed.ok ? {} : parsed.errors), ...kpis.errors }, nextCheckDue: null });
  const d = parsed.data as typeof parsed.data & Record<string, string | number>;
  const zone = zoneOf(req);
  const check = await recordCheck(req.user!, id, {
    periodStart: DateTime.fromISO(d.periodStart, { zone }).startOf('day').toJSDate(),
    periodEnd: DateTime.fromISO(d.periodEnd, { zone }).endOf('day').toJSDate(),
    status: d.status,
    progress: d.progress,
    challenges: d.challenges,
    supportNeeded: d.supportNeeded,
    nextSteps: d.nextSteps
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean)
      .slice(0, 50),
    nextStepsDue: d.nextStepsDue ? DateTime.fromISO(d.nextStepsDue, { zone }).endOf('day').toJSDate() : null,
    kpiValues: kpis.values.map((v) => ({ kpiId: new Types.ObjectId(v.kpiId), value: v.value })),
    health: Object.fromEntries(healthDimensions.map((k) => [k, Number(d[`health_${k}`])])) as Record<HealthDimension, number>,
    healthComments: Object.fromEntries(healthDimensions.map((k) => [k, String(d[`comment_${k}`] ?? '')])) as Record<
      HealthDimension,
      string
    >,
    meetingId: d.meetingId ? new Types.ObjectId(d.meetingId) : null,
  });
  flash(req, 'success', 'progress:new.saved');
  res.redirect(`/progress/${String(check._id)}`);
});

progressRouter.get('/progress/:id', async (req, res) => {
  const check = orNotFound(await getCheck(parseId(req.params.id)));
  const [agreement, measurements, tasks, access] = await Promise.all([
    agreementTitleAndKpis(check.agreementId),
    measurementsOfCheck(check._id),
    tasksOfCheck(check._id),
    // Whether the reader may raise a blocker from it (an archived agreement takes none).
    agreementForCheck(req.user!, check.agreementId).catch((err: unknown) => {
      if (err instanceof HttpError && err.status === 404) return { canWrite: false };
      throw err;
    }),
  ]);
  const documents = await documentPanel(req.user!, 'check', check._id);
  const kpiNames = new Map((agreement?.kpis ?? []).map((k) => [String(k._id), k.name]));
  res.render('progress/show', {
    title: req.t('progress:show.title'),
    check,
    agreement,
    band: typeof check.healthScore === 'number' ? healthBand(check.healthScore) : null,
    measurements: measurements.map((m) => ({ name: kpiNames.get(String(m.kpiId)) ?? '?', value: m.value })),
    tasks,
    dimensions: healthDimensions,
    documents,
    canWrite: access.canWrite,
    scripts: ['/public/js/document-upload.js'],
  });
});

progressRouter.get('/agreements/:id/health', async (req, res) => {
  const id = parseId(req.params.id);
  const agreement = orNotFound(await agreementForHealth(id));
  const trend = await healthTrend(id);
  const team = trend.filter((c) => c.source === 'team');
  const sides = compareSides(trend);
  const day = (d: Date) => DateTime.fromJSDate(d).setZone(zoneOf(req)).toISODate()!;
  res.render('progress/health', {
    title: req.t('progress:health.title'),
    agreement,
    trend,
    summary: dimensionSummary(team),
    latest: team.length ? team[team.length - 1] : null,
    points: sparklinePoints(team.map((c) => c.healthScore!)),
    dimensions: healthDimensions,
    bands: HEALTH_BANDS,
    sides,
    gapFlag: GAP_FLAG_POINTS,
    sidesChart: chartSpec(
      'line',
      sides.map((c) => day(c.at)),
      [
        { label: req.t('progress:sides.ours'), data: sides.map((c) => c.team.score) },
        { label: req.t('progress:sides.theirs'), data: sides.map((c) => c.partner.score) },
      ],
      { yMin: 5, yMax: 25 },
    ),
    overdue: Boolean(agreement.status === 'active' && agreement.followUp?.nextCheckDue && agreement.followUp.nextCheckDue < new Date()),
    scripts: sides.length > 1 ? ['/public/vendor/chart.umd.min.js', '/public/js/dashboard-charts.js'] : [],
  });
});
