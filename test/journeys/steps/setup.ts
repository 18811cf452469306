// Step 1: the administrator sets Passerelle up, invites a manager and a professional, and each of them
// joins from the invitation the administrator opens on the app's sent-mail page.
import { expect } from 'chai';
import { flashed, keepSentMail, readPage, type Journey, type Person } from '../journey.js';

export async function setUpAndInvite(j: Journey): Promise<void> {
  const { page, w, admin } = j;
  await page.goto(`${j.url}/`);
  expect(new URL(page.url()).pathname).to.equal('/setup');
  await page.getByRole('heading', { name: w.setupTitle }).waitFor();
  await readPage(j);
  // The language offered is the browser's.
  expect(await page.locator('#field-locale').inputValue()).to.equal(j.lang);
  await page.locator('#field-name').fill(admin.name);
  await page.locator('#field-email').fill(admin.email);
  await page.locator('#field-password').fill(admin.password);
  await page.locator('#field-passwordConfirm').fill(admin.password);
  await page.getByRole('button', { name: w.setupSubmit }).click();
  await page.getByRole('heading', { name: w.welcome(admin.name) }).waitFor();
  await flashed(j, w.setupDone);

  const restore = keepSentMail();
  try {
    await invite(j, j.manager, 'manager');
    await invite(j, j.pro, 'professional');
    const users = await page.locator('main').innerText();
    expect(users).to.contain(j.manager.email).and.contain(j.pro.email).and.contain(w.roles.manager).and.contain(w.roles.professional);
    for (const who of [j.manager, j.pro]) await join(j, who);
  } finally {
    restore();
  }
}

async function invite(j: Journey, who: Person, role: 'manager' | 'professional'): Promise<void> {
  const { page, w } = j;
  await page.locator('nav.main-nav').getByRole('link', { name: w.navUsers, exact: true }).click();
  await page.getByRole('link', { name: w.invite }).click();
  await page.getByRole('heading', { name: w.invite }).waitFor();
  await page.locator('#field-name').fill(who.name);
  await page.locator('#field-email').fill(who.email);
  await page.locator('#field-role').selectOption(role);
  expect(await page.locator('#field-locale').inputValue()).to.equal(j.lang);
  await page.getByRole('button', { name: w.inviteSubmit }).click();
  await flashed(j, w.inviteSent(who.email));
}

/** The administrator opens the invitation on the sent-mail page; the invitee follows its link and chooses a password. */
async function join(j: Journey, who: Person): Promise<void> {
  const { page, w } = j;
  await page.locator('nav.main-nav').getByRole('link', { name: w.navSentMail, exact: true }).click();
  await page.locator('main tr', { hasText: who.email }).getByRole('link', { name: w.inviteSubject }).click();
  await page.getByRole('heading', { level: 1, name: w.inviteSubject }).waitFor();
  const text = await page.locator('pre.mail-text').innerText();
  expect(text).to.contain(w.inviteBody(j.admin.name));
  const link = /https?:\/\/\S+\/invite\/\S+/.exec(text)?.[0];
  expect(link, 'the invitation link').to.be.a('string');
  await readPage(j);

  // The invitee, on their own browser session, follows the link (the app's public address is its test server here).
  const adminCookies = await j.browser.context.cookies();
  await j.browser.context.clearCookies();
  const target = new URL(link!);
  await page.goto(`${j.url}${target.pathname}${target.search}`);
  await page.getByRole('heading', { name: w.joinTitle }).waitFor();
  await readPage(j);
  // The policy refuses a password made of the person's own name.
  const weak = `${who.name.split(' ')[1]!.toLowerCase()}-${who.name.split(' ')[1]!.toLowerCase()}-2026`;
  await page.locator('#field-password').fill(weak);
  await page.locator('#field-passwordConfirm').fill(weak);
  await page.getByRole('button', { name: w.joinSubmit }).click();
  await page.locator('.error-summary').waitFor();
  await readPage(j);
  await page.locator('#field-password').fill(who.password);
  await page.locator('#field-passwordConfirm').fill(who.password);
  await page.getByRole('button', { name: w.joinSubmit }).click();
  await page.getByRole('heading', { name: w.welcome(who.name) }).waitFor();
  await flashed(j, w.joinDone);
  await j.browser.context.clearCookies();
  await j.browser.context.addCookies(adminCookies);
  await page.goto(`${j.url}/`);
  await page.getByRole('heading', { name: w.welcome(j.admin.name) }).waitFor();
}
