import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import { browserSuite } from '../helpers/browser-suite.js';
import { createUser, PASSWORD } from '../helpers/app.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { ProgressCheckModel } from '../../src/progress/model.js';

describe('browser: the steering dashboard', function () {
  this.timeout(90_000);
  const env = browserSuite('en-CA');

  it('draws every chart, when a manager opens the dashboard, with data tables that match, no axe violation and no console error', async () => {
    const manager = await createUser({ role: 'manager', name: 'Mona Manager', locale: 'en' });
    const pro = await createUser({ role: 'professional', name: 'Pat Pro', locale: 'en' });
    const p = await PartnerModel.create({
      name: 'Centre Horizon',
      nameFolded: 'centre horizon',
      type: 'community',
      ownerId: pro._id,
      stage: 'active',
    });
    const a = await AgreementModel.create({
      title: 'Entente Horizon',
      partnerIds: [p._id],
      ownerId: pro._id,
      status: 'active',
      kpis: [
        { name: 'Placed', baseline: 0, target: 40, status: 'on_track', latestValue: 30 },
        { name: 'Hours', baseline: 0, target: 200, status: 'at_risk', latestValue: 50 },
      ],
    });
    await ProgressCheckModel.create({
      agreementId: a._id,
      periodStart: new Date(Date.now() - 90 * 86400_000),
      periodEnd: new Date(Date.now() - 86400_000),
      status: 'on_track',
      health: { trust: 4, communication: 4, sharedGoals: 4, roles: 3, mutualBenefit: 4 },
      healthScore: 19,
    });
    const page = await env.browser.newPage();
    await page.goto(`${env.server.url}/login`);
    await page.getByLabel('Email').fill(manager.email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(`${env.server.url}/`);
    await page.goto(`${env.server.url}/dashboard`);
    const canvases = page.locator('canvas[data-chart]');
    const charts: { id: string; drawn: boolean; chartData: number[]; tableData: number[] }[] = [];
    for (let i = 0; i < (await canvases.count()); i += 1) {
      const canvas = canvases.nth(i);
      const id = (await canvas.getAttribute('id'))!.replace('chart-', '');
      const spec = JSON.parse((await canvas.getAttribute('data-chart'))!) as { datasets: { data: number[] }[] };
      // Chart.js sizes the canvas (width attribute) once it has drawn the chart.
      const drawn = Number(await canvas.getAttribute('width')) > 0 && /box-sizing/.test((await canvas.getAttribute('style')) ?? '');
      const cells = page.locator(`table[data-chart-table="${id}"] tbody tr td:first-of-type`);
      const tableData: number[] = [];
      for (let j = 0; j < (await cells.count()); j += 1) tableData.push(Number(await cells.nth(j).getAttribute('data-value')));
      charts.push({ id, drawn, chartData: spec.datasets[0]!.data, tableData });
    }
    expect(charts.map((c) => c.id)).to.deep.equal(['pipeline', 'status', 'attainment', 'health', 'diversity', 'mastery']);
    for (const c of charts) {
      expect(c.drawn, c.id).to.equal(true);
      expect(c.tableData, c.id).to.deep.equal(c.chartData);
    }
    expect(charts.find((c) => c.id === 'attainment')!.chartData).to.deep.equal([1, 1, 0, 0]);
    // The tables fold away once the charts are drawn, and stay in the page for screen readers and print.
    expect(await page.locator('details.dash-data[open]').count()).to.equal(0);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).to.deep.equal([]);
    expect(env.browser.consoleErrors(page)).to.deep.equal([]);
  });
});
