import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import { browserSuite } from '../helpers/browser-suite.js';
import { createUser, PASSWORD } from '../helpers/app.js';
import { AgreementModel, KpiMeasurementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { ProgressCheckModel } from '../../src/progress/model.js';
import { TaskModel } from '../../src/tasks/model.js';

describe('browser: the engagement cycle', function () {
  this.timeout(90_000);
  const env = browserSuite('en-CA');

  it('schedules a biweekly series, writes minutes with an action item on the third occurrence, records a check with two KPI values and a health rating', async () => {
    const user = await createUser({ name: 'Pat Pro', locale: 'en' });
    const partner = await PartnerModel.create({
      name: 'Centre Horizon',
      nameFolded: 'centre horizon',
      type: 'community',
      ownerId: user._id,
    });
    const agreement = await AgreementModel.create({
      title: 'Entente Horizon',
      partnerIds: [partner._id],
      ownerId: user._id,
      status: 'active',
      followUp: { checkFrequency: 'quarterly', meetingCadence: 'biweekly' },
      kpis: [
        { name: 'Participants placed', baseline: 0, target: 40, direction: 'increase' },
        { name: 'Mentoring hours', baseline: 0, target: 200, direction: 'increase' },
      ],
    });
    const page = await env.browser.newPage();
    await page.goto(`${env.server.url}/login`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Pat Pro' }).waitFor();

    await page.goto(`${env.server.url}/meetings/new?agreementId=${String(agreement._id)}`);
    expect(await page.getByLabel('Cadence').inputValue()).to.equal('biweekly');
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Planning meeting');
    await page.getByRole('textbox', { name: 'Date', exact: true }).fill('2026-10-20');
    await page.getByLabel('Number of meetings').fill('5');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('heading', { name: 'Meetings of the series' }).waitFor();

    const third = page
      .getByRole('heading', { name: 'Meetings of the series' })
      .locator('xpath=..')
      .getByRole('listitem')
      .nth(2)
      .getByRole('link');
    // The current page has a Minutes field too: wait for the third meeting's page before typing.
    const thirdHref = (await third.getAttribute('href'))!;
    await third.click();
    await page.waitForURL((url) => url.pathname === thirdHref);
    await page.getByRole('textbox', { name: 'Minutes', exact: true }).fill('We agreed on the spring job fair.');
    await page.getByRole('textbox', { name: 'Decisions' }).fill('Hold the fair in April.');
    await page.getByRole('button', { name: 'Save the minutes' }).click();
    await page.getByText('The minutes are saved.').waitFor();
    await page.getByRole('textbox', { name: 'Action item', exact: true }).fill('Book the hall');
    await page.getByRole('button', { name: 'Add the action item' }).click();
    await page.getByText('The action item is added.').waitFor();
    expect(await page.locator('#action-items').innerText()).to.contain('Book the hall');

    const occ = await MeetingModel.find({ seriesId: { $ne: null } })
      .sort({ start: 1 })
      .lean();
    expect(occ).to.have.length(5);
    expect(occ[2]!.minutes).to.equal('We agreed on the spring job fair.');
    expect(occ.filter((o) => o.minutes).length).to.equal(1);
    expect(String((await TaskModel.findOne({ title: 'Book the hall' }).lean())?.meetingId)).to.equal(String(occ[2]!._id));

    await page.getByRole('link', { name: 'Record a progress check' }).click();
    await page.getByLabel(/Participants placed/).fill('12');
    await page.getByLabel(/Mentoring hours/).fill('48');
    await page.getByLabel('Trust', { exact: true }).selectOption('5');
    await page.getByLabel('Clarity of roles and responsibilities', { exact: true }).selectOption('2');
    await page.getByLabel('Comment on Clarity of roles and responsibilities (optional)').fill('Who leads recruitment?');
    await page.getByRole('button', { name: 'Record the check' }).click();
    await page.getByText('The progress check is recorded.').waitFor();
    expect(await page.locator('main').innerText()).to.contain('16/25');

    const check = await ProgressCheckModel.findOne({ agreementId: agreement._id }).lean();
    expect(check?.healthScore).to.equal(16);
    expect(String(check?.meetingId)).to.equal(String(occ[2]!._id));
    expect((await KpiMeasurementModel.find({ progressCheckId: check!._id }).lean()).map((m) => m.value).sort()).to.deep.equal([12, 48]);

    // The health page, the month grid and the meeting page pass an automated accessibility check.
    for (const path of [
      `/agreements/${String(agreement._id)}/health`,
      '/meetings/calendar?month=2026-11&scope=mine',
      `/meetings/${String(occ[2]!._id)}`,
      '/',
    ]) {
      await page.goto(`${env.server.url}${path}`);
      const result = await new AxeBuilder({ page }).analyze();
      expect(result.violations.map((v) => `${path}: ${v.id}`)).to.deep.equal([]);
    }
    expect(
      await page.goto(`${env.server.url}/meetings/calendar?month=2026-11&scope=mine`).then(() => page.locator('main').innerText()),
    ).to.contain('Planning meeting');
    expect(env.browser.consoleErrors(page)).to.deep.equal([]);
  });
});
