// The agreement's history names the follow-up events in the reader's language, never by their audit code.
import { expect } from 'chai';
import type { Express } from 'express';
import { createUser, makeApp, signIn } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { recordAudit } from '../../src/audit/service.js';

describe('agreement history: follow-up events', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  for (const [locale, answered, withdrawn] of [
    ['fr', 'Suivi rempli par le partenaire', 'Lien de suivi retiré'],
    ['en', 'Follow-up answered by the partner', 'Follow-up link withdrawn'],
  ] as const) {
    it(`shows a partner's answer (by the contact, not "the scheduler") and a withdrawn link, in ${locale}`, async () => {
      const owner = await createUser({ role: 'professional', locale, name: 'Paula Pro' });
      const a = await fullAgreement(owner, [await makePartner(owner, 'Centre Horizon')], { status: 'active' });
      await recordAudit({
        actor: null,
        entity: 'agreement',
        entityId: a._id,
        action: 'followup:partner-answer',
        note: 'Hélène Roy (Centre Horizon): 15/25',
      });
      await recordAudit({ actor: owner, entity: 'agreement', entityId: a._id, action: 'followup:revoke', note: 'request-1' });
      const page = await (await signIn(app, owner)).get(`/agreements/${String(a._id)}`);
      expect(page.status).to.equal(200);
      const history = /<section class="card" id="history"[\s\S]*?<\/section>/.exec(page.text)![0];
      expect(history).to.not.contain('followup:');
      expect(history).to.contain(`${answered}</strong> · Hélène Roy (Centre Horizon): 15/25`);
      expect(history).to.contain(`${withdrawn}</strong> · Paula Pro`);
    });
  }
});
