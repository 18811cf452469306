// Step 8: the professional renews the agreement. The original stays active (and is counted so) until
// the manager approves the renewal; the two link to each other; then the original reads "renewed".
import { expect } from 'chai';
import { flashed, go, idFrom, readPage, signIn, type Journey } from '../journey.js';
import { dashboardFigures } from './dashboard.js';

export async function renew(j: Journey): Promise<void> {
  const { page, w } = j;
  await signIn(j, j.pro);
  await go(j, `/agreements/${j.agreementId}`);
  await page.getByRole('button', { name: w.renew }).click();
  await flashed(j, w.renewed);
  j.renewalId = idFrom(page);
  expect(j.renewalId).to.not.equal(j.agreementId);
  // The renewal: a draft that names the agreement it renews.
  const renewal = page.locator('main');
  expect(await renewal.locator('.badge-status-draft').first().innerText()).to.equal(w.statuses.draft);
  expect(await renewal.innerText()).to.contain(`${w.renews}`);
  expect(await renewal.locator(`a[href="/agreements/${j.agreementId}"]`).count()).to.be.greaterThan(0);
  // The original: still active, with its renewal in progress.
  const original = await go(j, `/agreements/${j.agreementId}`);
  expect(await page.locator('.badge-status-active').first().innerText()).to.equal(w.statuses.active);
  expect(original).to.contain(w.renewalInProgress).and.contain(w.stillRunning);
  expect(await page.locator(`main a[href="/agreements/${j.renewalId}"]`).count()).to.be.greaterThan(0);

  // The manager's dashboard: the original counts as active, the renewal as a draft.
  await signIn(j, j.manager);
  // A draft changes only the agreements by status: those click-throughs are followed here, every one after the approval.
  let figures = await dashboardFigures(j, (name) => name.startsWith('status'));
  expect(figures.get('status:active')!.links).to.deep.equal([`/agreements/${j.agreementId}`]);
  expect(figures.get('status:draft')!.links).to.deep.equal([`/agreements/${j.renewalId}`]);
  expect(figures.get('status:renewed')!.figure).to.equal(0);

  // The professional sends the renewal for review; the manager approves it.
  await signIn(j, j.pro);
  await go(j, `/agreements/${j.renewalId}`);
  await page.getByText(w.allFilled).waitFor();
  await page.getByRole('button', { name: w.submit }).click();
  await flashed(j, w.submitted);
  await signIn(j, j.manager);
  await go(j, `/agreements/${j.renewalId}`);
  await page.locator('#sig-name-0').fill(j.contacts[1].name);
  await page.locator('#sig-org-0').fill(j.partner);
  await page.getByRole('button', { name: w.approve }).click();
  await flashed(j, w.approved);
  expect(await page.locator('.badge-status-active').first().innerText()).to.equal(w.statuses.active);

  await go(j, `/agreements/${j.agreementId}`);
  expect(await page.locator('.badge-status-renewed').first().innerText()).to.equal(w.statuses.renewed);
  const text = await readPage(j);
  expect(text).to.contain(w.renewedBy).and.not.contain(w.stillRunning);
  expect(await page.locator(`main a[href="/agreements/${j.renewalId}"]`).count()).to.be.greaterThan(0);

  figures = await dashboardFigures(j);
  expect(figures.get('status:active')!.links).to.deep.equal([`/agreements/${j.renewalId}`]);
  expect(figures.get('status:renewed')!.links).to.deep.equal([`/agreements/${j.agreementId}`]);
  expect(figures.get('status:draft')!.figure).to.equal(0);
  // Both were established by the professional: the mastery figure counts the two.
  const mastery = [...figures.keys()].filter((k) => k.startsWith('mastery:'));
  expect(mastery.map((k) => figures.get(k)!.figure)).to.deep.equal([2]);
}
