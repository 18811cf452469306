// Steps 5 and 6: the monthly check came due, so the reminder job asks the partner's contacts for their
// update; one answers by the link in the mail. Then the professional records a progress check with
// KPI values and the partnership's health.
import { expect } from 'chai';
import { flashed, readPage, signIn, type Journey } from '../journey.js';
import { getTestSmtp } from '../../helpers/smtp.js';
import { reminderTick } from '../../../src/reminders/jobs.js';

/** What the journey recorded, that the dashboard must show. */
export interface Recorded {
  kpis: { name: string; value: number; status: string }[];
  health: number;
}

export async function partnerAnswers(j: Journey): Promise<void> {
  const { page, w } = j;
  // The scheduler is off in tests: the tick it would run finds the check due and sends the requests.
  const tick = await reminderTick(new Date());
  expect(tick.failed).to.equal(0);
  // The request goes to the partner's primary contact (the first one entered).
  const requests = getTestSmtp().messages.filter((m) => m.text.includes('/p/followup/'));
  expect(requests.map((m) => m.to)).to.deep.equal([[j.contacts[0].email]]);
  const mail = requests[0]!;
  expect(mail.subject.replace(/[\u00a0\u202f]/g, ' ')).to.equal(w.followUpSubject(j.agreementTitle));
  expect(mail.text).to.contain(w.followUpBody(j.pro.name, j.agreementTitle, j.partner));
  const link = new URL(/https?:\/\/\S+\/p\/followup\/\S+/.exec(mail.text)![0]);

  // The contact has no account: a browser without anyone signed in.
  await j.browser.context.clearCookies();
  await page.goto(`${j.url}${link.pathname}`);
  await page.getByRole('heading', { level: 1, name: w.followUpTitle }).waitFor();
  expect(await readPage(j))
    .to.contain(j.contacts[0].name)
    .and.contain(j.agreementTitle);
  await page.locator('#field-progress').fill('Twelve people hired since the spring.');
  await page.locator('#field-challenges').fill('Transport to the industrial park.');
  await page.getByLabel(/^People placed in jobs/).fill('11');
  await page.getByLabel(/^Mentoring hours/).fill('90');
  for (const d of ['trust', 'communication', 'sharedGoals', 'roles', 'mutualBenefit'])
    await page.locator(`#field-health_${d}`).selectOption('3');
  await page.getByRole('button', { name: w.followUpSubmit }).click();
  await page.getByRole('heading', { level: 1, name: w.followUpThanksTitle }).waitFor();
  expect(await readPage(j)).to.contain(w.followUpThanks(j.contacts[0].name));
}

export async function progressCheck(j: Journey): Promise<Recorded> {
  const { page, w } = j;
  await signIn(j, j.pro);
  await page.goto(`${j.url}/agreements/${j.agreementId}`);
  await page.getByRole('link', { name: w.recordCheck }).click();
  await page.getByRole('heading', { level: 1, name: w.recordCheck }).waitFor();
  // The partner's answer is shown with the request round.
  expect(await readPage(j))
    .to.contain(j.contacts[0].name)
    .and.contain(w.answered);
  await page.getByLabel(/^People placed in jobs/).fill('12');
  await page.getByLabel(/^Mentoring hours/).fill('150');
  const health = { trust: '5', communication: '4', sharedGoals: '4', roles: '3', mutualBenefit: '4' };
  for (const [d, v] of Object.entries(health)) await page.locator(`#field-health_${d}`).selectOption(v);
  await page.getByRole('button', { name: w.checkSubmit }).click();
  const text = await flashed(j, w.checkSaved);
  expect(text).to.contain('20/25');

  // The agreement's indicators now read the team's values.
  await page.goto(`${j.url}/agreements/${j.agreementId}#kpis`);
  // The history names the partner's answer, and who gave it.
  expect(await readPage(j)).to.contain(`${w.historyPartnerAnswer} · ${j.contacts[0].name} (${j.partner}): 15/25`);
  const kpis: Recorded['kpis'] = [];
  for (const [name, value] of [
    ['People placed in jobs', 12],
    ['Mentoring hours', 150],
  ] as const) {
    const card = page.locator('article.kpi', { hasText: name });
    const status = (await card.locator('.badge[class*="badge-"]').first().getAttribute('class'))!.match(
      /badge-(on_track|at_risk|off_track|no_data)/,
    )![1]!;
    expect(await card.innerText(), name).to.contain(String(value));
    kpis.push({ name, value, status });
  }
  return { kpis, health: 20 };
}
