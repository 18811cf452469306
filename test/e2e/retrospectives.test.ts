import { expect } from 'chai';
import { browserSuite, sideways, signInAnyLanguage, signInAs } from '../helpers/browser-suite.js';
import { createUser } from '../helpers/app.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { RetrospectiveModel } from '../../src/retrospectives/model.js';

// Lessons and successes, as each person meets them: an English-speaking professional terminates an
// agreement on a phone and is taken to its retrospective, where the KPI met is listed; a French-
// speaking manager drafting with another school finds that lesson on the draft and the partner
// page at 1,280 px, and by searching the portfolio.
describe('browser: the retrospective of an ending agreement, and its lessons on the next draft', function () {
  this.timeout(120_000);
  const env = browserSuite('en-CA');

  it('terminate → retrospective on a phone → the lesson on a same-type draft and in the search', async () => {
    const owner = await createUser({ name: 'Pat Pro', locale: 'en' });
    const manager = await createUser({ name: 'Mona Gestion', role: 'manager', locale: 'fr' });
    const cegep = await makePartner(owner, 'Cégep de Laval', 'school');
    const ending = await fullAgreement(owner, [cegep], {
      status: 'active',
      title: 'Stages au Cégep',
      kpis: [{ name: 'Stagiaires accueillis', baseline: 0, target: 30, direction: 'increase', latestValue: 32, unit: 'people' }],
    });
    const school = await makePartner(owner, 'École Saint-Martin', 'school');
    const draft = await fullAgreement(owner, [school], { status: 'draft', title: 'Mentorat à Saint-Martin' });

    // The professional, on a phone: terminating asks for confirmation, then opens the retrospective.
    const phone = await env.browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await signInAs(phone, env.server.url, owner.email, owner.name);
    await phone.goto(`${env.server.url}/agreements/${String(ending._id)}`);
    await phone.getByLabel('Reason for ending').fill('Funding ended');
    phone.once('dialog', (d) => void d.accept());
    await phone.getByRole('button', { name: 'Terminate' }).click();
    await phone.getByRole('heading', { name: 'Retrospective of the agreement' }).waitFor();
    expect(await phone.locator('.success-list').innerText()).to.contain('Stagiaires accueillis: 32 (target 30, people)');
    expect(await sideways(phone), 'form at 390 px').to.be.at.most(0);
    // Sent without a lesson: the summary says what is missing, and what was typed stays.
    await phone.getByLabel('Why').fill('Great hosts, but we need a transport budget');
    await phone.getByRole('button', { name: 'Save the retrospective' }).click();
    await phone.locator('.error-summary').getByText('Say what worked or what did not work').waitFor();
    expect(await phone.getByLabel('Why').inputValue()).to.equal('Great hosts, but we need a transport budget');
    await phone.getByLabel('What did not work').fill('Transport to the work sites was never funded');
    await phone.getByLabel('Perhaps, with changes').check();
    await phone.getByRole('button', { name: 'Save the retrospective' }).click();
    await phone.getByText('The retrospective is saved.').waitFor();
    expect(await phone.locator('#retrospective').innerText())
      .to.contain('Transport to the work sites')
      .and.to.contain('Terminated');
    expect(await sideways(phone), 'agreement page at 390 px').to.be.at.most(0);
    expect(await RetrospectiveModel.countDocuments({ agreementId: ending._id, ending: 'terminated' })).to.equal(1);

    // The manager, in French, at 1,280 px (the browser's session is the professional's: sign out first).
    await phone.getByRole('button', { name: 'Sign out' }).click();
    const page = await env.browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAnyLanguage(page, env.server.url, manager.email, manager.name);
    await page.goto(`${env.server.url}/agreements/${String(draft._id)}`);
    const lessons = page.locator('#lessons');
    await lessons.getByRole('heading', { name: /Avec d’autres partenaires du type/ }).waitFor();
    expect(await lessons.innerText())
      .to.contain('Transport to the work sites')
      .and.to.contain('Peut-être, autrement')
      .and.to.contain('Stagiaires accueillis');
    expect(await sideways(page), 'draft page at 1,280 px').to.be.at.most(0);
    await page.goto(`${env.server.url}/partners/${String(school)}`);
    expect(await page.locator('#lessons').innerText()).to.contain('Stages au Cégep');

    // The search, from the menu: two words in any order, without their accents, find it.
    await page.getByRole('link', { name: 'Leçons apprises' }).click();
    await page.getByLabel('Mots').fill('transport cegep');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.getByText('1 retour d’expérience', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Stages au Cégep' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await sideways(page), 'search at 390 px').to.be.at.most(0);
    expect(env.browser.consoleErrors(phone).concat(env.browser.consoleErrors(page))).to.deep.equal([]);
  });
});
