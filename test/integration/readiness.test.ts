import { expect } from 'chai';
import type { Express } from 'express';
import { makeApp, createUser, signIn, postForm } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { ReadinessAssessmentModel } from '../../src/readiness/model.js';

const fill = (n: string) =>
  Object.fromEntries(
    ['leadership', 'staffCapacity', 'resources', 'clearGoals', 'templatesPolicies', 'evaluation'].flatMap((c) => [
      [`${c}Score`, n],
      [`${c}Comment`, ''],
    ]),
  ) as Record<string, string>;

describe('organization readiness (C4)', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(() => clearDatabase());

  it('keeps assessments over time and shows the latest with its trend; professionals cannot', async () => {
    const pro = await signIn(app, await createUser({ role: 'professional', locale: 'en' }));
    expect((await pro.get('/readiness')).status).to.equal(403);
    const m = await signIn(app, await createUser({ role: 'manager', locale: 'en' }));
    expect((await postForm(m, '/readiness', fill('2'), '/readiness')).status).to.equal(302);
    const refused = await postForm(m, '/readiness', { ...fill('4'), evaluationScore: '9' }, '/readiness');
    expect(refused.status).to.equal(422);
    expect(await ReadinessAssessmentModel.countDocuments({})).to.equal(1);
    expect((await postForm(m, '/readiness', fill('4'), '/readiness')).status).to.equal(302);
    expect(await ReadinessAssessmentModel.countDocuments({})).to.equal(2);
    const page = await m.get('/readiness');
    expect(page.text).to.contain('4 / 5').and.contain('improving');
  });
});
