import { expect } from 'chai';
import { browserSuite } from '../helpers/browser-suite.js';
import { createUser, PASSWORD, type TestUser } from '../helpers/app.js';
import { PartnerModel } from '../../src/partners/model.js';
import { TaskModel } from '../../src/tasks/model.js';
import { d3Steps, TaskTemplateModel } from '../../src/tasks/templates.model.js';

describe('browser: a partner from identification to exploration', function () {
  this.timeout(90_000);
  const env = browserSuite();
  let pro: TestUser;

  before(async () => {
    pro = await createUser({ role: 'professional', locale: 'en', name: 'Paula Pro' });
    // The administrator's D3 template (Administration → Action-plan templates).
    await TaskTemplateModel.create({ name: 'D3', items: d3Steps.en.map(([offsetDays, title]) => ({ offsetDays, title })) });
  });

  it('creates a partner with a contact, moves it on the board, records the exploration and action plan, finds it by an accented search', async () => {
    const page = await env.browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${env.server.url}/login`);
    await page.locator('input[name="email"]').fill(pro.email);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.locator('input[name="password"]').press('Enter');
    await page.waitForURL((u) => u.pathname === '/');

    await page.goto(`${env.server.url}/partners/new`);
    await page.locator('#field-name').fill('École Pierre-Dupuy');
    await page.locator('#field-type').selectOption('school');
    await page.locator('#field-region').fill('Montréal');
    await page.locator('#field-contactName').fill('Hélène Roy');
    await page.locator('#field-contactEmail').fill('helene.roy@example.org');
    await page.locator('form[action="/partners"] button[type="submit"]').click();
    await page.getByRole('heading', { level: 1, name: 'École Pierre-Dupuy' }).waitFor();
    expect(await page.locator('#contacts').innerText()).to.contain('Hélène Roy');
    const id = new URL(page.url()).pathname.split('/').pop()!;

    // The contact is edited with the keyboard alone: its Edit link, the form, Enter to save.
    await page.getByRole('link', { name: 'Edit Hélène Roy' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Edit the contact' }).waitFor();
    await page.getByLabel('Email', { exact: true }).focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('h.roy@example.org');
    await page.getByLabel('Role', { exact: true }).focus();
    await page.keyboard.type('Directrice');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#contacts$/);
    const contacts = await page.locator('#contacts').innerText();
    expect(contacts).to.contain('h.roy@example.org').and.contain('Directrice').and.not.contain('helene.roy@example.org');

    // The pipeline board: a plain form per card moves it.
    await page.goto(`${env.server.url}/partners/board`);
    await page.locator(`#move-${id}`).selectOption('exploring');
    await page.locator(`#move-${id}`).locator('xpath=..').getByRole('button').click();
    await page.waitForURL(/\/partners\/board$/);
    expect(await page.locator('section.board-column', { has: page.locator('#col-exploring') }).innerText()).to.contain(
      'École Pierre-Dupuy',
    );

    // Exploration and an action plan from the D3 template.
    await page.goto(`${env.server.url}/partners/${id}`);
    await page.locator('#field-interestConfirmedAt').fill('2026-11-10');
    await page.locator('#field-interestConfirmedBy').fill('Hélène Roy');
    await page.locator('#field-sharedGoals').fill('Stages pour les élèves de 5e secondaire');
    await page.locator('#field-successIndicators').fill('15 stages par année');
    await page.getByRole('button', { name: 'Save the exploration' }).click();
    await page.waitForURL(/#exploration$/);
    expect(await page.locator('main').innerText()).to.contain('Exploration saved.');
    expect(await page.locator('#field-sharedGoals').inputValue()).to.equal('Stages pour les élèves de 5e secondaire');
    await page.getByRole('button', { name: 'Apply the template' }).click();
    await page.locator('#action-plan tbody tr').first().waitFor();
    const taskCount = await TaskModel.countDocuments({ partnerId: id });
    expect(taskCount).to.be.greaterThan(3);
    expect(await page.locator('#action-plan tbody tr').count()).to.equal(taskCount);

    // Accent- and case-insensitive search.
    await page.goto(`${env.server.url}/partners`);
    await page.locator('#f-q').fill('ecole pierre');
    await page.locator('#f-q').press('Enter');
    await page.getByRole('link', { name: 'École Pierre-Dupuy' }).waitFor();

    // A hostile name is text everywhere.
    await PartnerModel.create({
      name: '<script>alert(1)</script>',
      nameFolded: '<script>alert(1)</script>',
      type: 'other',
      ownerId: pro._id,
    });
    await page.goto(`${env.server.url}/partners?sort=-updated`);
    await page.getByRole('link', { name: '<script>alert(1)</script>' }).click();
    await page.getByRole('heading', { level: 1, name: '<script>alert(1)</script>' }).waitFor();
    await page.goto(`${env.server.url}/partners/board`);
    expect(dialogs).to.deep.equal([]);
    expect(env.browser.consoleErrors(page)).to.deep.equal([]);
  });
});
