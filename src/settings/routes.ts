// Administration of the organization's settings: its own name.
import { Router } from 'express';
import { z } from 'zod';
import { flash } from '../http/flash.js';
import { requireRole } from '../http/guards.js';
import { refusedTo } from '../http/refusal.js';
import { singleLine } from '../http/text-fields.js';
import { formValues, parseInput } from '../http/validate.js';
import { organizationName, setOrganizationName } from './organization.js';
import { requiresPartyAgreement, setRequirePartyAgreement } from '../reviews/service.js';

export const settingsRouter = Router();
const schema = z.object({ name: singleLine(200).pipe(z.string().min(1, 'validation:required')) });

settingsRouter.get('/admin/organization', requireRole('admin'), async (req, res) => {
  res.render('admin/organization', {
    title: req.t('common:organization.title'),
    values: { name: await organizationName() },
    requireAll: await requiresPartyAgreement(),
    errors: {},
  });
});

settingsRouter.post('/admin/organization', refusedTo('/admin/organization'), requireRole('admin'), async (req, res) => {
  const values = formValues(req.body);
  const parsed = parseInput(schema, values);
  if (!parsed.ok)
    return res.status(422).render('admin/organization', {
      title: req.t('common:organization.title'),
      values,
      requireAll: await requiresPartyAgreement(),
      errors: parsed.errors,
    });
  await setOrganizationName(req.user!, parsed.data.name);
  flash(req, 'success', 'common:organization.saved');
  res.redirect('/admin/organization');
});

// Whether a contract is approved only once every partner party agreed with its text (reviews/).
settingsRouter.post('/admin/organization/party-agreement', refusedTo('/admin/organization'), requireRole('admin'), async (req, res) => {
  await setRequirePartyAgreement(req.user!, formValues(req.body).requireAll === 'on');
  flash(req, 'success', 'reviews:settings.saved');
  res.redirect('/admin/organization');
});
