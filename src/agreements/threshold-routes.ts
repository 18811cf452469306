// The administrators' KPI thresholds: when an indicator reads on track, at risk or off track.
import { Router } from 'express';
import { z } from 'zod';
import { flash } from '../http/flash.js';
import { requireRole } from '../http/guards.js';
import { refusedTo } from '../http/refusal.js';
import { formValues, numberInput, parseInput } from '../http/validate.js';
import { defaultThresholds, getThresholds, setThresholds } from './kpis.js';

export const thresholdsRouter = Router();

thresholdsRouter.get('/admin/kpi-thresholds', requireRole('admin'), async (req, res) => {
  res.render('agreements/thresholds', {
    title: req.t('agreements:thresholds.title'),
    values: await getThresholds(),
    errors: {},
    defaults: defaultThresholds,
  });
});

const thresholdsSchema = z
  .object({
    onTrack: numberInput(z.number().min(0).max(2)),
    atRisk: numberInput(z.number().min(0).max(2)),
    maintainTolerance: numberInput(z.number().min(0).max(1)),
  })
  .refine((v) => v.atRisk < v.onTrack, { path: ['atRisk'], message: 'agreements:thresholds.order' });

thresholdsRouter.post('/admin/kpi-thresholds', refusedTo('/admin/kpi-thresholds'), requireRole('admin'), async (req, res) => {
  const values = formValues(req.body);
  const parsed = parseInput(thresholdsSchema, values, req.language);
  if (!parsed.ok)
    return res.status(422).render('agreements/thresholds', {
      title: req.t('agreements:thresholds.title'),
      values,
      errors: parsed.errors,
      defaults: defaultThresholds,
    });
  await setThresholds(parsed.data);
  flash(req, 'success', 'agreements:thresholds.saved');
  res.redirect('/admin/kpi-thresholds');
});
