import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { browserSuite } from '../helpers/browser-suite.js';
import { createUser, PASSWORD } from '../helpers/app.js';
import { makePartner } from '../helpers/agreements.js';
import { DocumentModel } from '../../src/documents/model.js';

// The documents panel in a phone-sized window: the upload goes through the progress script
// (XMLHttpRequest with the CSRF header), lands back on the record with the file listed.
describe('browser: attaching a document to a partner at 390 px, in French and English', function () {
  this.timeout(120_000);
  const env = browserSuite();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-docs-e2e-'));

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const locale of ['fr', 'en'] as const) {
    it(`in ${locale}: a 3 MB file, when uploaded, then the script sends it with progress and the panel lists it`, async () => {
      const user = await createUser({ role: 'professional', locale, name: `Doc ${locale}` });
      const partnerId = String(await makePartner(user, `Partenaire ${locale}`));
      const file = path.join(dir, `plan-${locale}.bin`);
      fs.writeFileSync(file, crypto.randomBytes(3 * 1024 * 1024));
      await env.browser.context.clearCookies();
      const page = await env.browser.newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${env.server.url}/login`);
      await page.locator('input[name="email"]').fill(user.email);
      await page.locator('input[name="password"]').fill(PASSWORD);
      await page.locator('input[name="password"]').press('Enter');
      await page.waitForURL((u) => u.pathname === '/');

      await page.goto(`${env.server.url}/partners/${partnerId}#documents`);
      const panel = page.locator('#documents');
      expect(await panel.innerText()).to.contain(locale === 'fr' ? 'Aucun document au dossier' : 'No document on file yet');
      await panel.getByLabel(locale === 'fr' ? 'Fichier à joindre' : 'File to attach').setInputFiles(file);
      const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/documents/partner/'));
      await panel.getByRole('button', { name: locale === 'fr' ? 'Téléverser' : 'Upload' }).click();
      const request = await sent;
      // The enhancement sent it (JSON answer expected, token in the header), not the plain form.
      expect(request.headers()['accept']).to.equal('application/json');
      expect(request.headers()['x-csrf-token']).to.be.a('string').and.not.equal('');
      await page.waitForEvent('load');
      await panel
        .getByRole('link', { name: `plan-${locale}.bin` })
        .first()
        .waitFor();
      const text = await panel.innerText();
      expect(text).to.match(locale === 'fr' ? /3\sMo/ : /3\sMB/);
      expect(text).to.contain(user.name);
      expect(await DocumentModel.countDocuments({ name: `plan-${locale}.bin`, status: 'complete', size: 3 * 1024 * 1024 })).to.equal(1);

      // Nothing wider than the phone's screen, and the panel draws.
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, 'horizontal overflow at 390 px').to.be.at.most(0);
      await panel.scrollIntoViewIfNeeded();
      const shot = await panel.screenshot({ path: path.join(os.tmpdir(), `passerelle-documents-${locale}.png`) });
      expect(shot.length).to.be.greaterThan(2000);
      const box = await panel.boundingBox();
      expect(box!.width).to.be.at.most(390);
      expect(env.browser.consoleErrors(page)).to.deep.equal([]);
      await page.close();
    });
  }
});
