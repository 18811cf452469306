// The lifecycle as an administrator, a manager and a professional live it, through the browser, once
// in French and once in English, each on a fresh database. The steps run in order and share what the
// previous ones created; mail is received by the real SMTP server and read as each attendee would.
import type { Page } from 'playwright-core';
import { browserSuite } from '../helpers/browser-suite.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { newJourney, type Journey } from './journey.js';
import type { Lang } from './words.js';
import { setUpAndInvite } from './steps/setup.js';
import { approve, identifyAndDraft } from './steps/agreement.js';
import { meetingSeries } from './steps/meetings.js';
import { partnerAnswers, progressCheck, type Recorded } from './steps/follow-up.js';
import { dashboardShowsTheJourney } from './steps/dashboard.js';
import { renew } from './steps/renewal.js';

describe('journey: the partnership lifecycle', function () {
  // One step on a loaded 2-core machine can take half a minute (step 1 and 2 load many pages).
  this.timeout(90_000);

  for (const lang of ['fr', 'en'] as Lang[]) {
    describe(`in ${lang === 'fr' ? 'French' : 'English'}`, () => {
      // The browser of someone who reads this language (Accept-Language), on an app of its own that starts from nothing.
      const env = browserSuite(lang === 'fr' ? 'fr-CA' : 'en-CA');
      let j: Journey;
      let page: Page;
      before(async () => {
        getTestSmtp().clear();
        page = await env.browser.newPage();
        page.setDefaultTimeout(10_000);
        j = newJourney(lang, env.server.url, env.browser, page);
      });

      afterEach(async function () {
        if (this.currentTest?.state === 'failed')
          console.log(
            `--- ${page.url()}\n${await page
              .locator('body')
              .innerText()
              .catch(() => '')}`,
          );
      });

      it('1. the administrator sets the app up and invites a manager and a professional, who join from the sent-mail page', async () => {
        await setUpAndInvite(j);
      });

      it('2. the professional identifies a partner with two contacts, explores it, drafts the eight elements and submits', async () => {
        await identifyAndDraft(j);
      });

      it('3. the manager approves it, with a signatory', async () => {
        await approve(j);
      });

      it('4. a weekly series of planning meetings with both contacts: one moved, one cancelled, each mail and calendar file as received', async () => {
        await meetingSeries(j);
      });

      it('5. a partner contact answers the follow-up request by the link in the mail', async () => {
        await partnerAnswers(j);
      });

      let recorded: Recorded;
      it('6. the professional records a progress check with KPI values and health', async () => {
        recorded = await progressCheck(j);
      });

      it('7. the dashboard shows those figures, and every click-through lists exactly the records it counts', async () => {
        await dashboardShowsTheJourney(j, recorded);
      });

      it('8. the agreement is renewed: the original stays active until the manager approves the renewal, then reads "renewed"', async () => {
        await renew(j);
      });
    });
  }
});
