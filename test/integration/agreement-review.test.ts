import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { Types } from 'mongoose';
import { createUser, csrfFrom, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement } from '../helpers/agreements.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { AuditModel } from '../../src/audit/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { signLink } from '../../src/reminders/links.js';
import { reviewOf } from '../../src/reviews/service.js';
import { partnerPost, reviewLinkOf, shownFingerprint } from '../helpers/reviews.js';

// The partner reviews the draft by its signed link: comments, proposes wording, agrees with a version;
// the owner answers each proposal; an edit after a party agreed undoes that agreement and tells them.
describe('agreement review with the partners', function () {
  this.timeout(60_000);
  let app: Express;
  let owner: TestUser;
  let owners: Agent;
  let agreementId: Types.ObjectId;
  let partnerId: Types.ObjectId;
  let claire: Types.ObjectId; // may be emailed, French
  let noConsent: Types.ObjectId;

  const linkOf = reviewLinkOf;

  before(async () => {
    app = await makeApp();
    await clearDatabase();
    owner = await createUser({ role: 'professional', name: 'Olive Owner' });
    const p = await PartnerModel.create({
      name: 'Centre Horizon',
      nameFolded: 'centre horizon',
      type: 'community',
      ownerId: owner._id,
      contacts: [
        { name: 'Claire Tremblay', email: 'claire@horizon.example', emailConsent: true, locale: 'fr' },
        { name: 'Sam Silent', email: 'sam@horizon.example', emailConsent: false, locale: 'en' },
      ],
    });
    partnerId = p._id;
    claire = p.contacts[0]!._id;
    noConsent = p.contacts[1]!._id;
    agreementId = (await fullAgreement(owner, [partnerId], { status: 'draft', kind: 'contract' }))._id;
    owners = await signIn(app, owner);
  });

  it('sends a personal link only to contacts who may be emailed, and says why not for the others', async () => {
    const refused = await postForm(
      owners,
      `/agreements/${String(agreementId)}/reviews`,
      { contactIds: [String(noConsent)] },
      `/agreements/${String(agreementId)}`,
    );
    expect(refused.status).to.equal(303);
    expect(await OutboxModel.countDocuments({ kind: 'agreement_review' })).to.equal(0);
    const page = await owners.get(refused.headers.location as string);
    expect(page.text).to.contain('Sam Silent cannot be emailed');

    const sent = await postForm(
      owners,
      `/agreements/${String(agreementId)}/reviews`,
      { contactIds: [String(claire)] },
      `/agreements/${String(agreementId)}`,
    );
    expect(sent.status).to.equal(302);
    const mail = await OutboxModel.findOne({ kind: 'agreement_review' }).lean();
    expect(mail).to.include({ to: 'claire@horizon.example', locale: 'fr' });
    expect(mail!.subject).to.contain('Mentoring for newcomers');
    const shown = await owners.get(`/agreements/${String(agreementId)}`);
    expect(shown.text).to.contain('Review links').and.to.contain('Claire Tremblay');
  });

  it('refuses a tampered, a forged, an expired and a withdrawn link, in words', async () => {
    const link = await linkOf(claire);
    expect((await supertest(app).get(`${link}x`)).status).to.equal(404);
    const review = (await reviewOf(agreementId))!;
    const invitationId = review.invitations[0]!._id;
    const requestId = `${String(agreementId)}.${invitationId}`;
    // Signed by us, but naming another contact than the invitation's.
    const other = signLink({ purpose: 'review', contactId: String(noConsent), requestId, exp: Math.floor(Date.now() / 1000) + 3600 });
    expect((await supertest(app).get(`/p/review/${other}`)).status).to.equal(404);
    const expired = signLink({ purpose: 'review', contactId: String(claire), requestId, exp: Math.floor(Date.now() / 1000) - 10 });
    const gone = await supertest(app).get(`/p/review/${expired}`);
    expect(gone.status).to.equal(410);
    expect(gone.text).to.contain('<html lang="fr"');

    // A second link for the same contact, withdrawn by the owner: refused; the first still opens.
    await postForm(
      owners,
      `/agreements/${String(agreementId)}/reviews`,
      { contactIds: [String(claire)] },
      `/agreements/${String(agreementId)}`,
    );
    const second = await linkOf(claire, -1);
    const newest = (await reviewOf(agreementId))!.invitations[1]!._id;
    const revoked = await postForm(
      owners,
      `/agreements/${String(agreementId)}/reviews/${newest}/revoke`,
      {},
      `/agreements/${String(agreementId)}`,
    );
    expect(revoked.status).to.equal(302);
    expect((await supertest(app).get(second)).status).to.equal(410);
    const first = await supertest(app).get(link);
    expect(first.status).to.equal(200);
    expect(first.text).to.contain('Révision de l’entente').and.to.contain('Help newcomers into jobs');
  });

  it('takes comments and proposals from the partner, refuses bad input without storing it, and shows them to the owner', async () => {
    const valid = await linkOf(claire);
    const visitor = supertest.agent(app);
    const bad = await partnerPost(visitor, valid, 'note', { kind: 'proposal', element: 'kpis', text: '', proposedText: 'Autre chose' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Autre chose'); // what they typed stays in the form
    const empty = await partnerPost(visitor, valid, 'note', { kind: 'comment', element: 'funding', text: '  ' });
    expect(empty.status).to.equal(422);
    expect((await reviewOf(agreementId))!.notes).to.have.length(0);

    expect(
      (await partnerPost(visitor, valid, 'note', { kind: 'comment', element: 'funding', text: 'Le montant nous semble juste.' })).status,
    ).to.equal(302);
    const proposed = await partnerPost(visitor, valid, 'note', {
      kind: 'proposal',
      element: 'purpose',
      text: 'Plus précis',
      proposedText: 'Help newcomers into lasting jobs',
    });
    expect(proposed.status).to.equal(302);
    await partnerPost(visitor, valid, 'note', {
      kind: 'proposal',
      element: 'objectives',
      text: '',
      proposedText: 'Place 50 people\nKeep 30 in work',
    });
    const mine = await visitor.get(valid);
    expect(mine.text).to.contain('Le montant nous semble juste.');

    const page = await owners.get(`/agreements/${String(agreementId)}`);
    expect(page.text).to.contain('Comments and proposals (3 open)');
    expect(page.text).to.match(/Help newcomers into <ins>lasting <\/ins>jobs|<ins>lasting<\/ins>/);
  });

  it('applies an accepted proposal through the edit rule, records each decision in the history, and answers a note once', async () => {
    const review = (await reviewOf(agreementId))!;
    const [comment, purpose, objectives] = review.notes;
    const a = (await AgreementModel.findById(agreementId).lean())!;
    const url = (id: string) => `/agreements/${String(agreementId)}/reviews/notes/${id}`;
    const from = `/agreements/${String(agreementId)}`;
    expect((await postForm(owners, url(purpose!._id), { decision: 'accept', rev: String(a.rev) }, from)).status).to.equal(302);
    let after = (await AgreementModel.findById(agreementId).lean())!;
    expect(after.purpose).to.equal('Help newcomers into lasting jobs');
    expect(after.rev).to.equal(a.rev + 1);
    // Accepting from the page's old revision is refused by the agreement's own rule, and nothing changes.
    const stale = await postForm(owners, url(objectives!._id), { decision: 'accept', rev: String(a.rev) }, from);
    expect(stale.status).to.equal(303);
    expect((await owners.get(stale.headers.location as string)).text).to.contain('The agreement changed since this page was shown');
    after = (await AgreementModel.findById(agreementId).lean())!;
    expect(after.objectives.map((o) => o.text)).to.deep.equal(['Place 40 people']);
    expect((await reviewOf(agreementId))!.notes[2]!.status).to.equal('open');
    await postForm(owners, url(objectives!._id), { decision: 'accept', rev: String(after.rev) }, from);
    after = (await AgreementModel.findById(agreementId).lean())!;
    expect(after.objectives.map((o) => o.text)).to.deep.equal(['Place 50 people', 'Keep 30 in work']);

    expect((await postForm(owners, url(comment!._id), { decision: 'resolve', rev: String(after.rev) }, from)).status).to.equal(302);
    // A second answer to the same note changes nothing.
    await postForm(owners, url(purpose!._id), { decision: 'decline', rev: String(after.rev) }, from);
    const notes = (await reviewOf(agreementId))!.notes;
    expect(notes.map((n) => n.status)).to.deep.equal(['resolved', 'accepted', 'accepted']);
    expect(notes[1]!.decidedByName).to.equal('Olive Owner');
    const actions = (await AuditModel.find({ entityId: agreementId }).lean()).map((e) => e.action);
    expect(actions).to.include.members([
      'review:invite',
      'review:revoke',
      'review:comment',
      'review:proposal',
      'review:accept',
      'review:resolve',
    ]);
    expect(actions.filter((x) => x === 'review:accept')).to.have.length(2);
  });

  it('records the party’s agreement with this version, undoes it when the text changes and tells the contact once', async () => {
    const link = await linkOf(claire);
    const visitor = supertest.agent(app);
    const page = await visitor.get(link);
    const fingerprint = shownFingerprint(page.text);
    const unconfirmed = await partnerPost(visitor, link, 'agree', { name: 'Claire Tremblay', role: 'Directrice', fingerprint });
    expect(unconfirmed.status).to.equal(422);
    expect((await reviewOf(agreementId))!.consents).to.have.length(0);
    const stale = await partnerPost(visitor, link, 'agree', {
      name: 'Claire Tremblay',
      role: 'Directrice',
      fingerprint: 'older',
      confirm: 'on',
    });
    expect(stale.status).to.equal(409);
    expect(
      (await partnerPost(visitor, link, 'agree', { name: 'Claire Tremblay', role: 'Directrice', fingerprint, confirm: 'on' })).status,
    ).to.equal(302);
    expect((await owners.get(`/agreements/${String(agreementId)}`)).text).to.contain('agreed with this version (Claire Tremblay');

    // Submitting for approval moves the status, not the text: the agreement still counts.
    await postForm(owners, `/agreements/${String(agreementId)}/transition`, { action: 'submit' }, `/agreements/${String(agreementId)}`);
    expect((await AgreementModel.findById(agreementId).lean())!.status).to.equal('in_review');
    expect((await owners.get(`/agreements/${String(agreementId)}`)).text).to.contain('agreed with this version (Claire Tremblay');
    expect(await OutboxModel.countDocuments({ kind: 'agreement_review_reset' })).to.equal(0);
  });

  it('takes a second "we agree" from the same page once, and refuses notes and agreements sent to a tampered or withdrawn link', async () => {
    const link = await linkOf(claire);
    const visitor = supertest.agent(app);
    // The page Claire agreed from, sent again (a double click, a resent form): its fingerprint is the one stored.
    const { consents: given } = (await reviewOf(agreementId))!;
    const fingerprint = given.at(-1)!.fingerprint;
    const consents = given.length;
    const agrees = async () => await AuditModel.countDocuments({ entityId: agreementId, action: 'review:agree' });
    const audited = await agrees();
    const again = await partnerPost(visitor, link, 'agree', { name: 'Claire Tremblay', role: 'Directrice', fingerprint, confirm: 'on' });
    expect(again.status).to.equal(302);
    expect((await reviewOf(agreementId))!.consents).to.have.length(consents);
    expect(await agrees()).to.equal(audited);

    const withdrawn = (await reviewOf(agreementId))!.invitations.find((i) => i.revokedAt)!;
    const requestId = `${String(agreementId)}.${withdrawn._id}`;
    const revokedLink = `/p/review/${signLink({ purpose: 'review', contactId: String(claire), requestId, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
    const before = JSON.stringify(await reviewOf(agreementId));
    const _csrf = await csrfFrom(visitor, link);
    const note = { kind: 'comment', element: 'purpose', text: 'Par la porte de côté', _csrf };
    const agreeing = { name: 'Claire Tremblay', fingerprint, confirm: 'on', _csrf };
    for (const [url, body, status] of [
      [`${link}x/note`, note, 404],
      [`${link}x/agree`, agreeing, 404],
      [`${revokedLink}/note`, note, 410],
      [`${revokedLink}/agree`, agreeing, 410],
    ] as const) {
      const res = await visitor.post(url).type('form').send(body);
      expect(res.status, url).to.equal(status);
    }
    expect(JSON.stringify(await reviewOf(agreementId))).to.equal(before);
  });

  it('approves a contract only once every party agreed, when the organization asks for it', async () => {
    const admin = await createUser({ role: 'admin', name: 'Ada Admin' });
    const manager = await createUser({ role: 'manager', name: 'Mona Manager' });
    const admins = await signIn(app, admin);
    await postForm(admins, '/admin/organization/party-agreement', { requireAll: 'on' }, '/admin/organization');
    expect((await admins.get('/admin/organization')).text).to.match(/name="requireAll"[^>]*checked/);

    // The text changes after the agreement: it no longer counts, and Claire is told, once.
    await AgreementModel.updateOne({ _id: agreementId }, { $set: { status: 'draft' } });
    const a = (await AgreementModel.findById(agreementId).lean())!;
    await postForm(
      owners,
      `/agreements/${String(agreementId)}/edit/purpose`,
      { purpose: 'Help newcomers into good jobs', rev: String(a.rev) },
      `/agreements/${String(agreementId)}/edit/purpose`,
    );
    expect((await AgreementModel.findById(agreementId).lean())!.purpose).to.equal('Help newcomers into good jobs');
    const reset = await OutboxModel.find({ kind: 'agreement_review_reset' }).lean();
    expect(reset.map((m) => [m.to, m.locale])).to.deep.equal([['claire@horizon.example', 'fr']]);
    expect(reset[0]!.text).to.contain('/p/review/');
    expect((await owners.get(`/agreements/${String(agreementId)}`)).text).to.contain('agreed with an earlier version');

    await postForm(owners, `/agreements/${String(agreementId)}/transition`, { action: 'submit' }, `/agreements/${String(agreementId)}`);
    const managers = await signIn(app, manager);
    const approve = () =>
      postForm(
        managers,
        `/agreements/${String(agreementId)}/transition`,
        { action: 'approve', signatoryName: 'Claire Tremblay', signatoryOrg: 'Centre Horizon', signatoryDate: '2026-12-01' },
        `/agreements/${String(agreementId)}`,
      );
    const refused = await approve();
    expect((await AgreementModel.findById(agreementId).lean())!.status).to.equal('in_review');
    expect((await managers.get(refused.headers.location as string)).text).to.contain('One partner has not yet agreed');

    const link = await linkOf(claire);
    const visitor = supertest.agent(app);
    const fingerprint = shownFingerprint((await visitor.get(link)).text);
    await partnerPost(visitor, link, 'agree', { name: 'Claire Tremblay', role: 'Directrice', fingerprint, confirm: 'on' });
    await approve();
    expect((await AgreementModel.findById(agreementId).lean())!.status).to.equal('active');
  });
});
