import { expect } from 'chai';
import { browserSuite } from '../helpers/browser-suite.js';
import { PASSWORD } from '../helpers/app.js';

describe('browser: first setup, then sign-in', function () {
  this.timeout(60_000);
  const env = browserSuite();

  it('completes setup with the keyboard-accessible form, signs out and signs back in', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.server.url}/`);
    expect(new URL(page.url()).pathname).to.equal('/setup');

    // A first try with mismatched passwords shows the error summary and keeps the input.
    await page.getByLabel('Nom complet').fill('Ada Admin');
    await page.getByLabel('Courriel').fill('ada@example.org');
    // The strength meter says, while typing, what the env.server's policy will say.
    const meter = page.locator('[data-meter-text]');
    await page.getByLabel(/^Mot de passe/).fill('aaaaaaaaaaaa');
    await meter.filter({ hasText: /trop facile/ }).waitFor();
    expect(await page.getByLabel(/^Mot de passe/).getAttribute('aria-describedby')).to.contain('field-password-meter');
    await page.getByLabel(/^Mot de passe/).fill('forever-admin-rules');
    await meter.filter({ hasText: /ni votre nom/ }).waitFor();
    await page.getByLabel(/^Mot de passe/).fill(PASSWORD);
    await meter.filter({ hasText: /(Bon|robuste)/ }).waitFor();
    expect(await meter.isVisible()).to.equal(true);
    await page.getByLabel('Confirmez le mot de passe').fill('something-else-entirely');
    await page.getByRole('button', { name: 'Créer l’administrateur' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).to.contain('Les deux mots de passe ne correspondent pas.');
    expect(await page.getByLabel('Nom complet').inputValue()).to.equal('Ada Admin');

    await page.getByLabel(/^Mot de passe/).fill(PASSWORD);
    await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Créer l’administrateur' }).click();
    await page.getByRole('heading', { name: 'Bienvenue, Ada Admin' }).waitFor();

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(/\/login$/);
    await page.getByLabel('Courriel').fill('ada@example.org');
    await page.getByLabel(/^Mot de passe/).fill(PASSWORD);
    await page.getByLabel(/^Mot de passe/).press('Enter');
    await page.getByRole('heading', { name: 'Bienvenue, Ada Admin' }).waitFor();
    expect(env.browser.consoleErrors(page)).to.deep.equal([]);
  });
});
