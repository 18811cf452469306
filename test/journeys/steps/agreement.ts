// Steps 2 and 3: the professional identifies a partner with two contacts, explores it, drafts an
// agreement with the eight elements and a monthly follow-up and submits it; the manager approves it.
import { expect } from 'chai';
import { flashed, go, idFrom, readPage, signIn, type Journey } from '../journey.js';
import { day } from '../dates.js';

export async function identifyAndDraft(j: Journey): Promise<void> {
  const { page, w } = j;
  await signIn(j, j.pro);
  await page.locator('nav.main-nav').getByRole('link', { name: w.navPartners, exact: true }).click();
  await page.getByRole('link', { name: w.newPartner }).click();
  await page.locator('#field-name').fill(j.partner);
  await page.locator('#field-type').selectOption('community');
  await page.locator('#field-region').fill('Montréal');
  await page.locator('#field-contactName').fill(j.contacts[0].name);
  await page.locator('#field-contactEmail').fill(j.contacts[0].email);
  await page.locator('#field-contactLocale').selectOption(j.lang);
  await page.locator('input[name="contactConsent"]').check();
  await page.locator('form[action="/partners"] button[type="submit"]').click();
  await page.getByRole('heading', { level: 1, name: j.partner }).waitFor();
  await flashed(j, w.partnerCreated(j.partner));
  j.partnerId = idFrom(page);

  await page.locator('#contacts summary', { hasText: w.addContact }).click();
  const form = page.locator('form[action$="/contacts"]');
  await form.locator('input[name="name"]').fill(j.contacts[1].name);
  await form.locator('input[name="email"]').fill(j.contacts[1].email);
  await form.locator('select[name="locale"]').selectOption(j.lang);
  await form.locator('input[name="emailConsent"]').check();
  await form.getByRole('button', { name: w.addContact }).click();
  await flashed(j, w.contactAdded);
  const contacts = page.locator('#contacts tbody tr');
  expect(await contacts.count()).to.equal(2);
  for (const c of j.contacts)
    expect(await contacts.filter({ hasText: c.email }).innerText())
      .to.contain(c.name)
      .and.contain(w.yes);

  // Exploration: the stage moves on, and what the partners want together is written down.
  await page.locator('#stage-select').selectOption('exploring');
  await page.locator('form[action$="/stage"] button[type="submit"]').click();
  await flashed(j, w.stageMoved);
  await page.locator('#field-interestConfirmedAt').fill(day(-10));
  await page.locator('#field-interestConfirmedBy').fill(j.contacts[0].name);
  await page.locator('#field-sharedGoals').fill('Newcomers into local jobs');
  await page.getByRole('button', { name: w.saveExploration }).click();
  await flashed(j, w.explorationSaved);
  expect(await page.locator('main').innerText()).to.contain(w.exploring);

  // The agreement, drafted from the partner's page: a signed contract that started six weeks ago.
  await page.getByRole('link', { name: w.newAgreement }).click();
  expect(await page.locator('#field-leadPartnerId option:checked').innerText()).to.equal(j.partner);
  await page.locator('#field-title').fill(j.agreementTitle);
  await page.locator('#field-kind').selectOption('contract');
  await page.locator('#field-language').selectOption(j.lang);
  await page.locator('#field-startDate').fill(day(-45));
  await page.locator('#field-endDate').fill(day(75));
  await page.getByRole('button', { name: w.save, exact: true }).click();
  await flashed(j, w.agreementCreated);
  await page.getByText(w.completeness(0)).waitFor();
  j.agreementId = idFrom(page);
  await fillElements(j);
  await page.getByText(w.completeness(8)).waitFor();
  expect(await page.locator('#followUp').innerText()).to.contain(w.monthly);
  await page.getByRole('button', { name: w.submit }).click();
  await flashed(j, w.submitted);
  expect(await page.locator('main').innerText()).to.contain(w.statuses.in_review);
  // The owner cannot approve their own agreement.
  expect(await page.getByRole('button', { name: w.approve }).count()).to.equal(0);
}

async function fillElements(j: Journey): Promise<void> {
  const { page } = j;
  const edit = async (element: string, fill: () => Promise<void>) => {
    await page.goto(`${j.url}/agreements/${j.agreementId}/edit/${element}`);
    await fill();
    await page.getByRole('button', { name: j.w.save, exact: true }).click();
    await page.waitForURL((u) => u.pathname === `/agreements/${j.agreementId}`);
    expect(await page.locator('.error-summary, .flash-error').count(), element).to.equal(0);
    await flashed(j, j.w.elementSaved);
  };
  await edit('purpose', () => page.locator('#field-purpose').fill('Bring newcomers into local jobs.'));
  await edit('governance', async () => {
    await page.locator('#field-type').selectOption('steering_committee');
    await page.locator('#field-decisionProcess').fill('Consensus at the steering committee.');
    await page.locator('#party-0').selectOption({ label: j.partner });
    await page.locator('[id="field-responsibilities.0"]').fill('Hosts the workshops');
  });
  await edit('objectives', () => page.locator('[id="field-objective.0"]').fill('Place 40 people in jobs'));
  await edit('resources', async () => {
    await page.locator('[id="field-what.0"]').fill('Meeting rooms');
    await page.locator('#provider-0').selectOption({ label: j.partner });
    await page.locator('[id="field-forWhom.0"]').fill('Participants');
  });
  await edit('funding', async () => {
    await page.locator('#field-total').fill('10000');
    await page.locator('#cparty-0').selectOption({ label: j.partner });
    await page.locator('[id="field-value.0"]').fill('10000');
    await page.locator('[id="field-dueDate.0"]').fill(day(20));
    await page.locator('[id="field-amount.0"]').fill('10000');
  });
  await edit('communication', async () => {
    await page.locator('#field-channels').fill('email, video calls');
    await page.locator('#field-frequency').fill('Every week');
    await page.locator('[id="field-name.0"]').fill(j.contacts[0].name);
    await page.locator('[id="field-email.0"]').fill(j.contacts[0].email);
  });
  await edit('kpis', async () => {
    for (const [i, name, target] of [
      [0, 'People placed in jobs', '40'],
      [1, 'Mentoring hours', '200'],
    ] as const) {
      await page.locator(`[id="field-name.${i}"]`).fill(name);
      await page.locator(`#kunit-${i}`).selectOption(i === 0 ? 'people' : 'hours');
      await page.locator(`[id="field-baseline.${i}"]`).fill('0');
      await page.locator(`[id="field-target.${i}"]`).fill(target);
      await page.locator(`#kowner-${i}`).selectOption({ label: j.partner });
    }
  });
  await edit('followUp', async () => {
    await page.locator('#field-checkFrequency').selectOption('monthly');
    await page.locator('#field-meetingCadence').selectOption('weekly');
  });
  await readPage(j);
}

/** The manager approves: refused without a signatory (a signed contract), then approved with one. */
export async function approve(j: Journey): Promise<void> {
  const { page, w } = j;
  await signIn(j, j.manager);
  await go(j, `/agreements/${j.agreementId}`);
  await page.getByRole('button', { name: w.approve }).click();
  await flashed(j, w.needsSignatory, 'error');
  // The signature date offered is the manager's today (in the app's time zone, not the server's UTC day).
  expect(await page.locator('#sig-date-0').inputValue()).to.equal(day(0));
  await page.locator('#sig-name-0').fill(j.contacts[0].name);
  await page.locator('#sig-org-0').fill(j.partner);
  await page.getByRole('button', { name: w.approve }).click();
  await flashed(j, w.approved);
  expect(await page.locator('.badge-status-active').first().innerText()).to.equal(w.statuses.active);
  expect(await page.locator('main').innerText()).to.contain(j.contacts[0].name);
}
