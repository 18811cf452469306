import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { browserSuite, signInAs } from '../helpers/browser-suite.js';
import { createUser } from '../helpers/app.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { PartnerModel } from '../../src/partners/model.js';

describe('browser: an agreement from draft to results', function () {
  this.timeout(120_000);
  const env = browserSuite('en-CA');

  const signIn = (page: Page, email: string, name: string) => signInAs(page, env.server.url, email, name);

  it('drafts the eight elements, goes through review and manager approval, then two KPI values change its status; prints in both languages', async () => {
    const pro = await createUser({ name: 'Pat Pro', locale: 'en' });
    const manager = await createUser({ name: 'Mo Manager', role: 'manager', locale: 'en' });
    await PartnerModel.create({ name: 'Centre Horizon', nameFolded: 'centre horizon', type: 'community', ownerId: pro._id });
    await PartnerModel.create({ name: 'Collège Boréal', nameFolded: 'college boreal', type: 'school', ownerId: pro._id });

    const page = await env.browser.newPage();
    await signIn(page, pro.email, 'Pat Pro');
    await page.goto(`${env.server.url}/agreements/new`);
    await page.getByLabel(/^Title/).fill('Jobs for newcomers');
    await page.getByLabel(/^Lead partner/).selectOption({ label: 'Centre Horizon' });
    await page.getByRole('checkbox', { name: 'Collège Boréal' }).check();
    await page.getByLabel('Kind').selectOption('contract');
    await page.getByLabel('Language of the agreement').selectOption('en');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Completeness: 0 / 8').waitFor();
    const id = new URL(page.url()).pathname.split('/')[2]!;

    const edit = async (element: string, fill: () => Promise<void>) => {
      await page.goto(`${env.server.url}/agreements/${id}/edit/${element}`);
      await fill();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL((u) => u.pathname === `/agreements/${id}`);
      expect(await page.locator('.error-summary, .flash-error').count(), element).to.equal(0);
    };
    await edit('purpose', () => page.locator('#field-purpose').fill('Bring newcomers into local jobs.'));
    await edit('governance', async () => {
      await page.locator('#field-type').selectOption('steering_committee');
      await page.locator('#field-decisionProcess').fill('Consensus at the steering committee.');
      await page.locator('#party-0').selectOption({ label: 'Centre Horizon' });
      await page.locator('[id="field-responsibilities.0"]').fill('Hosts the workshops');
      await page.locator('[id="field-responsibilities.1"]').fill('Coaches the participants');
    });
    await edit('objectives', async () => {
      await page.locator('[id="field-objective.0"]').fill('Place 40 people in jobs');
      await page.locator('[id="field-objective.1"]').fill('Train 10 mentors');
    });
    await edit('resources', async () => {
      await page.locator('[id="field-what.0"]').fill('Meeting rooms');
      await page.locator('#provider-0').selectOption({ label: 'Collège Boréal' });
      await page.locator('[id="field-forWhom.0"]').fill('Participants');
    });
    await edit('funding', async () => {
      await page.locator('#field-total').fill('10000');
      await page.locator('#cparty-0').selectOption({ label: 'Centre Horizon' });
      await page.locator('[id="field-value.0"]').fill('6000');
      await page.locator('#cparty-1').selectOption({ label: 'Collège Boréal' });
      await page.locator('#ckind-1').selectOption('in_kind');
      await page.locator('[id="field-value.1"]').fill('4000');
      await page.locator('[id="field-dueDate.0"]').fill('2027-01-15');
      await page.locator('[id="field-amount.0"]').fill('6000');
    });
    await edit('communication', async () => {
      await page.locator('#field-channels').fill('email, video calls');
      await page.locator('#field-frequency').fill('Every two weeks');
      await page.locator('[id="field-name.0"]').fill('Ana Tremblay');
      await page.locator('[id="field-email.0"]').fill('ana@example.org');
    });
    await edit('kpis', async () => {
      await page.locator('[id="field-name.0"]').fill('People placed in jobs');
      await page.locator('#kunit-0').selectOption('people');
      await page.locator('[id="field-baseline.0"]').fill('0');
      await page.locator('[id="field-target.0"]').fill('40');
      await page.locator('#kowner-0').selectOption({ label: 'Centre Horizon' });
    });
    await page.getByText('Completeness: 7 / 8').waitFor();
    await edit('followUp', async () => {
      await page.locator('#field-checkFrequency').selectOption('quarterly');
      await page.locator('#field-meetingCadence').selectOption('biweekly');
    });
    await page.getByText('Completeness: 8 / 8').waitFor();
    await page.getByRole('button', { name: 'Send for review' }).click();
    await page.getByText('Sent for review.').waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).to.equal(0);

    const mPage = await env.browser.newPage();
    await env.browser.context.clearCookies();
    await signIn(mPage, manager.email, 'Mo Manager');
    await mPage.goto(`${env.server.url}/agreements/${id}`);
    await mPage.locator('#sig-name-0').fill('Marie Roy');
    await mPage.locator('#sig-org-0').fill('Centre Horizon');
    await mPage.getByRole('button', { name: 'Approve' }).click();
    await mPage.getByText('Approved: the agreement is active.').waitFor();
    expect(await mPage.locator('.badge-status-active').first().innerText()).to.equal('Active');

    await env.browser.context.clearCookies();
    await signIn(page, pro.email, 'Pat Pro');
    await page.goto(`${env.server.url}/agreements/${id}#kpis`);
    const kpi = page.locator('article.kpi');
    expect(await kpi.locator('.badge').first().innerText()).to.equal('No data yet');
    await page.getByRole('textbox', { name: 'Value', exact: true }).fill('10');
    await page.getByLabel('Period end').fill('2026-03-31');
    await page.getByRole('button', { name: /Record a value/ }).click();
    await page.getByText('Off track').first().waitFor();
    await page.getByRole('textbox', { name: 'Value', exact: true }).fill('38');
    await page.getByLabel('Period end').fill('2026-06-30');
    await page.getByRole('button', { name: /Record a value/ }).click();
    await page.locator('article.kpi .badge-on_track').waitFor();
    expect(await kpi.locator('table.kpi-history tbody tr').count()).to.equal(2);
    expect(await kpi.locator('canvas.kpi-chart').count()).to.equal(1);
    expect(await kpi.locator('progress').getAttribute('value')).to.equal('95');
    expect(env.browser.consoleErrors(page)).to.deep.equal([]);
    expect((await AgreementModel.findById(id).lean())!.kpis[0]!.status).to.equal('on_track');

    await page.goto(`${env.server.url}/agreements/${id}/print`);
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    await page.getByRole('heading', { name: /Follow-up mechanism/ }).waitFor();
    expect(await page.locator('body').innerText())
      .to.contain('Marie Roy')
      .and.contain('People placed in jobs');
    await AgreementModel.updateOne({ _id: id }, { $set: { language: 'fr' } });
    await page.goto(`${env.server.url}/agreements/${id}/print`);
    expect(await page.locator('html').getAttribute('lang')).to.equal('fr');
    await page.getByRole('heading', { name: /Mécanisme de suivi/ }).waitFor();
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.length).to.be.greaterThan(1000);
    expect((await page.pdf({ format: 'Letter' })).length).to.be.greaterThan(1000);
  });
});
