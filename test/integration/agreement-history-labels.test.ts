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

describe('agreement history: the features built on an agreement', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  // Every audit code another feature writes on an agreement (blockers, the partners' review, retrospectives).
  const byUs = ['blocker:raise', 'blocker:resolve', 'review:invite', 'review:revoke', 'review:accept', 'review:decline', 'review:resolve'];
  const byPartner = ['review:comment', 'review:proposal', 'review:agree'];
  const retrospective = ['retrospective:write', 'retrospective:edit'];

  for (const locale of ['fr', 'en'] as const) {
    it(`names each of them in ${locale}, and a partner's by the contact`, async () => {
      const owner = await createUser({ role: 'professional', locale, name: 'Paula Pro' });
      const a = await fullAgreement(owner, [await makePartner(owner, 'Centre Horizon')], { status: 'active' });
      for (const action of [...byUs, ...retrospective]) await recordAudit({ actor: owner, entity: 'agreement', entityId: a._id, action });
      for (const action of byPartner)
        await recordAudit({ actor: null, entity: 'agreement', entityId: a._id, action, note: 'Hélène Roy (Centre Horizon): purpose' });
      const page = await (await signIn(app, owner)).get(`/agreements/${String(a._id)}`);
      const history = /<section class="card" id="history"[\s\S]*?<\/section>/.exec(page.text)![0];
      const labels = [...history.matchAll(/<strong>([^<]*)<\/strong>/g)].map((m) => m[1]!);
      expect(labels).to.have.length(byUs.length + byPartner.length + retrospective.length);
      for (const label of labels) expect(label, label).to.not.match(/^[a-z]+[:.][a-z_-]+/);
      expect(new Set(labels).size, labels.join(' | ')).to.equal(labels.length);
      expect(history.match(/<\/strong> · Hélène Roy \(Centre Horizon\): purpose/g)).to.have.length(byPartner.length);
      expect(history).to.not.contain(locale === 'fr' ? 'Planificateur' : 'Scheduler');
    });
  }
});
