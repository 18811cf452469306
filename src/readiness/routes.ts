import { Router, type Request, type Response } from 'express';
import { flash } from '../http/flash.js';
import { requireRole } from '../http/guards.js';
import { formValues, parseInput } from '../http/validate.js';
import { readinessCriteria } from './constants.js';
import { assessmentSchema } from './schemas.js';
import { readinessOverview, recordAssessment } from './service.js';
import { refusedTo } from '../http/refusal.js';

export const readinessRouter = Router();
const managers = requireRole('admin', 'manager');

async function render(req: Request, res: Response, values: Record<string, string> = {}, errors = {}, status = 200) {
  const overview = await readinessOverview();
  res
    .status(status)
    .render('readiness/index', { title: req.t('readiness:title'), ...overview, criteria: readinessCriteria, values, errors });
}

readinessRouter.get('/readiness', managers, (req, res) => render(req, res));

readinessRouter.post('/readiness', refusedTo('/readiness'), managers, async (req, res) => {
  const values = formValues(req.body);
  const parsed = parseInput(assessmentSchema, values, req.language);
  if (!parsed.ok) return render(req, res, values, parsed.errors, 422);
  await recordAssessment(req.user!, parsed.data);
  flash(req, 'success', 'readiness:saved');
  res.redirect('/readiness');
});
