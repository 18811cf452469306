import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { createUser, makeApp, postForm, signIn } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement } from '../helpers/agreements.js';
import { horizonWithClaire, partnerPost, reviewLinkOf, shownFingerprint } from '../helpers/reviews.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { setRequirePartyAgreement } from '../../src/reviews/service.js';
import { findActiveUser, type SessionUser } from '../../src/users/service.js';

// An amendment changes what was agreed: when the organization asks for every party's agreement, an
// amended contract waits for it as a first approval does, on the amended text.
describe('agreement review: an amendment of a contract', function () {
  this.timeout(60_000);
  let app: Express;

  before(async () => {
    app = await makeApp();
    await clearDatabase();
  });

  it('is approved only once every party agreed with the amended text, when the organization asks for it', async () => {
    const owner = await createUser({ role: 'professional', name: 'Olive Owner' });
    const admin = await createUser({ role: 'admin', name: 'Ada Admin' });
    const manager = await createUser({ role: 'manager', name: 'Max Manager' });
    await setRequirePartyAgreement((await findActiveUser(String(admin._id))) as SessionUser, true);
    const { partnerId, claire } = await horizonWithClaire(owner);
    const id = (
      await fullAgreement(owner, [partnerId], { status: 'active', kind: 'contract', approvedById: manager._id, approvedAt: new Date() })
    )._id;
    const url = `/agreements/${String(id)}`;
    const owners = await signIn(app, owner);
    const managers = await signIn(app, manager);

    const a = (await AgreementModel.findById(id).lean())!;
    await postForm(owners, `${url}/edit/purpose`, { purpose: 'Help newcomers and their families into jobs', rev: String(a.rev) }, url);
    await postForm(owners, `${url}/reviews`, { contactIds: [String(claire)] }, url);
    await postForm(owners, `${url}/amendment`, { action: 'submit' }, url);
    expect((await AgreementModel.findById(id).lean())!.amendment?.status).to.equal('in_review');
    const approve = () =>
      postForm(
        managers,
        `${url}/amendment`,
        { action: 'approve', signatoryName: 'Claire Tremblay', signatoryOrg: 'Centre Horizon', signatoryDate: '2026-12-02' },
        `${url}/amendment`,
      );
    const refused = await approve();
    expect(refused.status).to.equal(303);
    const pending = (await AgreementModel.findById(id).lean())!;
    expect(pending.purpose).to.equal('Help newcomers into jobs');
    expect(pending.amendment?.status).to.equal('in_review');
    expect((await managers.get(refused.headers.location as string)).text).to.contain('One partner has not yet agreed');

    // Claire reads the amended text by her link and agrees with it: the amendment is then approved.
    const link = await reviewLinkOf(claire);
    const visitor = supertest.agent(app);
    const page = await visitor.get(link);
    expect(page.text).to.contain('Help newcomers and their families into jobs');
    await partnerPost(visitor, link, 'agree', {
      name: 'Claire Tremblay',
      role: 'Directrice',
      fingerprint: shownFingerprint(page.text),
      confirm: 'on',
    });
    expect((await approve()).status).to.equal(302);
    const applied = (await AgreementModel.findById(id).lean())!;
    expect(applied.purpose).to.equal('Help newcomers and their families into jobs');
    expect(applied.amendment ?? null).to.equal(null);
  });
});
