import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { browserSuite, signInAs } from '../helpers/browser-suite.js';
import { createUser } from '../helpers/app.js';
import { fullAgreement } from '../helpers/agreements.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { horizonWithClaire } from '../helpers/reviews.js';
import { setRequirePartyAgreement } from '../../src/reviews/service.js';
import { findActiveUser, type SessionUser } from '../../src/users/service.js';

// The review with a partner, as each side sees it: the owner sends a link from the draft (English,
// 1,280 px), the partner's contact proposes new wording and agrees by the mailed link (French, on a
// phone), the owner accepts the proposal, and a manager approves a contract the organization
// approves only once every party agreed.
describe('browser: a draft reviewed with the partner, then approved', function () {
  this.timeout(120_000);
  const env = browserSuite('en-CA');

  const signIn = (page: Page, email: string, name: string) => signInAs(page, env.server.url, email, name);

  it('the owner sends the link, the partner proposes, the owner accepts, the partner agrees, the manager approves', async () => {
    const owner = await createUser({ name: 'Pat Pro', locale: 'en' });
    const manager = await createUser({ name: 'Mo Manager', role: 'manager', locale: 'en' });
    const admin = await createUser({ name: 'Ada Admin', role: 'admin', locale: 'en' });
    await setRequirePartyAgreement((await findActiveUser(String(admin._id))) as SessionUser, true);
    const { partnerId } = await horizonWithClaire(owner);
    const id = (await fullAgreement(owner, [partnerId], { status: 'draft', kind: 'contract' }))._id;
    const url = `${env.server.url}/agreements/${String(id)}`;

    const page = await env.browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, owner.email, 'Pat Pro');
    await page.goto(`${url}#review`);
    await page
      .locator('#review')
      .getByRole('checkbox', { name: /Claire Tremblay/ })
      .check();
    await page.getByRole('button', { name: 'Send the review links' }).click();
    await page.locator('#review').getByRole('cell', { name: 'Claire Tremblay', exact: true }).waitFor();

    // The mail as the outbox holds it, in Claire's language, with her personal link.
    const mail = (await OutboxModel.findOne({ kind: 'agreement_review' }).lean())!;
    expect(mail).to.include({ to: 'claire@horizon.example', locale: 'fr' });
    const link = /https?:\/\/[^/\s]+(\/p\/review\/[\w.-]+)/.exec(mail.text)![1]!;

    const partner = await env.browser.newPage();
    await partner.setViewportSize({ width: 390, height: 844 });
    await partner.goto(`${env.server.url}${link}`);
    await partner
      .getByRole('heading', { level: 1 })
      .filter({ hasText: /Révision de l.entente/ })
      .waitFor();
    await partner.getByLabel(/Une autre formulation/).check();
    await partner.locator('select[name=element]').selectOption('purpose');
    await partner.locator('textarea[name=text]').fill('Nommer le public visé.');
    await partner.locator('textarea[name=proposedText]').fill('Help newcomers aged 18 to 30 into jobs');
    await partner.locator('#notes').getByRole('button', { name: 'Envoyer' }).click();
    await partner.getByText(/votre proposition a été transmise/).waitFor();
    expect(await partner.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).to.be.at.most(0);

    // The owner sees the difference and accepts it (the page asks to confirm).
    page.once('dialog', (d) => void d.accept());
    await page.reload(); // the page is still open at #review: a goto to it would only scroll
    await page.locator('#review .diff ins').first().waitFor();
    await page
      .locator('#review')
      .getByRole('button', { name: /^Accept/ })
      .click();
    await page.getByText('Proposal accepted: the text is updated.').waitFor();
    expect((await AgreementModel.findById(id).lean())!.purpose).to.equal('Help newcomers aged 18 to 30 into jobs');

    // Claire reads the accepted text and agrees with it.
    await partner.reload();
    await partner.getByText('Help newcomers aged 18 to 30 into jobs').first().waitFor();
    await partner.getByLabel(/^Votre nom/).fill('Claire Tremblay');
    await partner.locator('#field-confirm').check();
    await partner.getByRole('button', { name: /Nous sommes d.accord avec cette version/ }).click();
    await partner.getByText(/votre accord avec cette version est enregistré/).waitFor();

    await page.reload();
    await page
      .locator('#review')
      .getByText(/agreed with this version \(Claire Tremblay/)
      .waitFor();
    await page.getByRole('button', { name: 'Send for review' }).click();
    await page.getByText('Sent for review.').waitFor();

    const mPage = await env.browser.newPage();
    await env.browser.context.clearCookies();
    await signIn(mPage, manager.email, 'Mo Manager');
    await mPage.goto(url);
    await mPage.locator('#sig-name-0').fill('Claire Tremblay');
    await mPage.locator('#sig-org-0').fill('Centre Horizon');
    await mPage.getByRole('button', { name: 'Approve' }).click();
    await mPage.getByText('Approved: the agreement is active.').waitFor();
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('active');
    for (const pg of [page, partner, mPage]) expect(env.browser.consoleErrors(pg)).to.deep.equal([]);
  });
});
