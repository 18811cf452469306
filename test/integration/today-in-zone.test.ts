// A date field's default "today" is the reader's day in their time zone, not the server's UTC day.
import { expect } from 'chai';
import type { Express } from 'express';
import { createUser, makeApp, signIn } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { UserModel } from '../../src/users/model.js';
import { dayIn } from '../../src/util/formats.js';

// At any instant one of these two zones (UTC+14, UTC−11) is on another day than UTC.
const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago'];
const valueOf = (html: string, id: string) => new RegExp(`id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1];

describe('date fields default to the reader’s today', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  for (const zone of zones) {
    it(`offers the day of ${zone} for a KPI value's period end and an interaction's date`, async () => {
      const owner = await createUser({ role: 'professional' });
      await UserModel.updateOne({ _id: owner._id }, { $set: { timezone: zone } });
      const partnerId = await makePartner(owner, 'Centre Horizon');
      const a = await fullAgreement(owner, [partnerId], { status: 'active' });
      const agent = await signIn(app, owner);
      const expected = dayIn(zone, new Date());
      const agreementPage = await agent.get(`/agreements/${String(a._id)}`);
      expect(agreementPage.status).to.equal(200);
      expect(valueOf(agreementPage.text, `m-date-${String(a.kpis[0]!._id)}`)).to.equal(expected);
      const partnerPage = await agent.get(`/partners/${String(partnerId)}`);
      expect(valueOf(partnerPage.text, 'int-date')).to.equal(expected);
    });

    it(`offers the day of ${zone} for the signature of a contract's amendment`, async () => {
      const owner = await createUser({ role: 'professional' });
      const manager = await createUser({ role: 'manager' });
      await UserModel.updateOne({ _id: manager._id }, { $set: { timezone: zone } });
      const partnerId = await makePartner(owner, 'Centre Horizon');
      const a = await fullAgreement(owner, [partnerId], {
        status: 'active',
        kind: 'contract',
        amendment: {
          status: 'in_review',
          changes: { purpose: { purpose: 'Wider' } },
          elements: ['purpose'],
          authorIds: [owner._id],
          startedAt: new Date(),
        },
      });
      const page = await (await signIn(app, manager)).get(`/agreements/${String(a._id)}/amendment`);
      expect(page.status).to.equal(200);
      expect(valueOf(page.text, 'sig-date-0')).to.equal(dayIn(zone, new Date()));
    });
  }
});
