import { expect } from 'chai';
import { browserSuite, sideways, signInAnyLanguage } from '../helpers/browser-suite.js';
import { createUser } from '../helpers/app.js';
import { fullAgreement } from '../helpers/agreements.js';
import { horizonWithClaire } from '../helpers/reviews.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { ProgressCheckModel } from '../../src/progress/model.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { reminderTick } from '../../src/reminders/jobs.js';

const DAY = 86_400_000;

// Health rated by both sides, as each sees it: the partner's contact answers the follow-up on a phone
// in French and leaves some ratings out; a French-speaking manager then reads the gap on the
// agreement page and the health page (1,280 px and 390 px) and on the dashboard.
describe('browser: partnership health seen from both sides', function () {
  this.timeout(120_000);
  const env = browserSuite('fr-CA');

  it('the partner rates part of the partnership by the mailed link, and the manager sees the gap flagged', async () => {
    const owner = await createUser({ name: 'Pat Pro', locale: 'en' });
    const manager = await createUser({ name: 'Mona Gestion', role: 'manager', locale: 'fr' });
    const { partnerId } = await horizonWithClaire(owner);
    const agreement = await fullAgreement(owner, [partnerId], { status: 'active' });
    await AgreementModel.updateOne({ _id: agreement._id }, { $set: { 'followUp.nextCheckDue': new Date(Date.now() - DAY) } });
    await ProgressCheckModel.create({
      agreementId: agreement._id,
      partnerIds: [partnerId],
      periodStart: new Date(Date.now() - 90 * DAY),
      periodEnd: new Date(Date.now() - DAY),
      status: 'on_track',
      health: { trust: 4, communication: 4, sharedGoals: 4, roles: 4, mutualBenefit: 4 },
      healthScore: 20,
      source: 'team',
      recordedById: owner._id,
      recordedByName: owner.name,
    });
    await reminderTick();
    const mail = await OutboxModel.findOne({ kind: 'followup_request', to: 'claire@horizon.example' }).lean();
    const link = /https?:\/\/[^/\s]+(\/p\/followup\/[\w.-]+)/.exec(mail!.text)![1]!;

    // The partner's contact, on a phone, in French: trust and roles rated low, the rest left out.
    const partner = await env.browser.newPage();
    await partner.setViewportSize({ width: 390, height: 844 });
    await partner.goto(`${env.server.url}${link}`);
    await partner.getByText(/Facultatif/).waitFor();
    await partner.getByLabel('Confiance').selectOption('1');
    await partner.getByLabel('Clarté des rôles et responsabilités').selectOption('2');
    expect(await sideways(partner)).to.be.at.most(0);
    await partner.getByRole('button', { name: 'Envoyer ma mise à jour' }).click();
    await partner.getByText(/Merci Claire Tremblay/).waitFor();

    // The manager, in French, at 1,280 px: the agreement page says where the views differ.
    const page = await env.browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAnyLanguage(page, env.server.url, manager.email, manager.name);
    await page.goto(`${env.server.url}/agreements/${String(agreement._id)}`);
    const summary = page.locator('[data-sides-summary]');
    await summary.getByText('Avis différents').waitFor();
    expect(await summary.innerText())
      .to.contain('Confiance (-3)')
      .and.to.contain('Clarté des rôles et responsabilités (-2)');
    expect(await sideways(page), 'agreement page at 1,280 px').to.be.at.most(0);

    // Its health page, then at phone width: the flagged rows, the partner's unrated dimensions said so.
    await summary.getByRole('link').click();
    await page.locator('#sides').waitFor();
    expect(await page.locator('#sides [data-dimension="trust"]').innerText()).to.match(/Avis différents[\s\S]*4[\s\S]*1[\s\S]*-3/);
    expect(await page.locator('#sides [data-dimension="communication"]').innerText()).to.contain('non évalué');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await sideways(page), 'health page at 390 px').to.be.at.most(0);

    // The dashboard counts the agreement among those whose two sides differ, and lists it.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${env.server.url}/dashboard?owner=all`);
    expect(await page.locator('[data-figure="sides-differ"]').innerText()).to.match(/^1\b/);
    await page.locator('[data-figure="sides-differ"]').click();
    await page.getByRole('link', { name: 'Mentoring for newcomers' }).waitFor();
    expect(await page.locator('[data-total]').getAttribute('data-total')).to.equal('1');
  });
});
