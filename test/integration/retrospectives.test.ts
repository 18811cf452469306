// Lessons and successes: ending an agreement asks for its retrospective (a termination goes to the
// form, a renewal's draft asks for the original's, an expiry mails the owner once); the KPIs met are
// its successes; retrospectives are searched across the portfolio and shown on the partner page and
// on a new draft with that partner or a partner of the same type.
import { expect } from 'chai';
import type { Express } from 'express';
import { createUser, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { RetrospectiveModel } from '../../src/retrospectives/model.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { reminderTick } from '../../src/reminders/jobs.js';

const DAY = 86_400_000;
const lesson = {
  worked: 'Les ateliers du samedi au Cégep',
  didNotWork: 'Le transport des jeunes',
  partnerAgain: 'maybe',
  why: 'Bon partenaire, mais il faut un budget de transport',
  communicate: 'Infolettre de décembre',
};

describe('retrospectives: lessons and successes', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
  });

  async function ended(owner: TestUser, status: string, extra: Record<string, unknown> = {}) {
    const partner = await makePartner(owner, 'Cégep de Laval', 'school');
    const a = await fullAgreement(owner, [partner], {
      status,
      statusChangedAt: new Date(Date.now() - 2 * DAY),
      // One KPI met (40 of 40), one not (10 of 20).
      kpis: [
        { name: 'Jeunes placés', baseline: 0, target: 40, direction: 'increase', latestValue: 40, unit: 'people' },
        { name: 'Ateliers', baseline: 0, target: 20, direction: 'increase', latestValue: 10 },
      ],
      ...extra,
    });
    return { partner, a, path: `/agreements/${String(a._id)}/retrospective` };
  }
  const write = (agent: Agent, path: string, fields: Record<string, string> = lesson) => postForm(agent, path, fields, path);

  for (const [locale, words] of [
    [
      'fr',
      {
        title: 'Retour d’expérience sur l’entente',
        met: 'Jeunes placés\u202f: 40',
        saved: 'Le retour d’expérience est enregistré.',
        again: 'Peut-être, autrement',
      },
    ],
    [
      'en',
      {
        title: 'Retrospective of the agreement',
        met: 'Jeunes placés: 40',
        saved: 'The retrospective is saved.',
        again: 'Perhaps, with changes',
      },
    ],
  ] as const) {
    it(`terminating goes to the form, which lists the KPIs met and records the lessons, in ${locale}`, async () => {
      const owner = await createUser({ locale, name: 'Olivia Owner' });
      const { a, path } = await ended(owner, 'active');
      const agent = await signIn(app, owner);
      const done = await postForm(
        agent,
        `/agreements/${String(a._id)}/transition`,
        { action: 'terminate', reason: 'Fin du financement' },
        `/agreements/${String(a._id)}`,
      );
      expect(done.status).to.equal(302);
      expect(done.headers.location).to.equal(path);
      const form = await agent.get(path);
      expect(form.status).to.equal(200);
      expect(form.text).to.contain(words.title);
      expect(form.text).to.contain(words.met);
      expect(form.text).to.not.match(/Ateliers\s?:/);
      const saved = await write(agent, path);
      expect(saved.status).to.equal(302);
      const r = (await RetrospectiveModel.findOne({ agreementId: a._id }).lean())!;
      expect(r).to.include({ ending: 'terminated', partnerAgain: 'maybe', partnerType: 'school', worked: lesson.worked });
      expect(r.successes.map((s) => [s.name, s.value])).to.deep.equal([['Jeunes placés', 40]]);
      const page = await agent.get(`/agreements/${String(a._id)}`);
      expect(page.text).to.contain(words.saved);
      expect(page.text).to.contain('id="retrospective"').and.contain(lesson.didNotWork).and.contain(words.again);
    });
  }

  it('refuses a form without a lesson or a reason, keeping what was typed, and records nothing', async () => {
    const owner = await createUser({ locale: 'en' });
    const { path } = await ended(owner, 'expired');
    const agent = await signIn(app, owner);
    const res = await write(agent, path, {
      worked: '',
      didNotWork: '',
      partnerAgain: 'perhaps',
      why: '',
      communicate: 'Dans l’infolettre',
    });
    expect(res.status).to.equal(422);
    expect(res.text)
      .to.contain('Say what worked or what did not work')
      .and.contain('Choose one of the options.')
      .and.contain('This field is required.');
    expect(res.text).to.contain('Dans l’infolettre');
    expect(await RetrospectiveModel.countDocuments()).to.equal(0);
  });

  it('is written only for an ending agreement, and only by its people', async () => {
    const owner = await createUser({ locale: 'en' });
    const other = await createUser({ locale: 'en' });
    const { path } = await ended(owner, 'expired');
    const running = await ended(owner, 'active');
    const mine = await signIn(app, owner);
    expect((await mine.get(running.path)).status).to.equal(400);
    expect((await write(mine, running.path)).status).to.equal(303);
    const theirs = await signIn(app, other);
    expect((await theirs.get(path)).status).to.equal(403);
    expect((await postForm(theirs, path, lesson)).status).to.equal(403);
    expect(await RetrospectiveModel.countDocuments()).to.equal(0);
  });

  it('a save from a stale form shows the other version and keeps this user’s text (409)', async () => {
    const owner = await createUser({ locale: 'en', name: 'Olivia Owner' });
    const manager = await createUser({ role: 'manager', locale: 'en', name: 'Marc Manager' });
    const { path } = await ended(owner, 'expired');
    const a1 = await signIn(app, owner);
    const a2 = await signIn(app, manager);
    expect((await write(a1, path)).status).to.equal(302);
    const form = await a1.get(path);
    const rev = /name="rev" value="(\d+)"/.exec(form.text)![1]!;
    expect((await write(a2, path, { ...lesson, rev, why: 'Version du gestionnaire' })).status).to.equal(302);
    const stale = await write(a1, path, { ...lesson, rev, why: 'Version de la responsable' });
    expect(stale.status).to.equal(409);
    expect(stale.text).to.contain('Version du gestionnaire').and.contain('Version de la responsable').and.contain('Saved meanwhile by');
    expect((await RetrospectiveModel.findOne().lean())!.why).to.equal('Version du gestionnaire');
  });

  it('a renewal’s draft asks for the original’s retrospective and shows the lessons of partners of the same type', async () => {
    const owner = await createUser({ locale: 'fr' });
    const other = await ended(owner, 'expired');
    await write(await signIn(app, owner), other.path);
    // Another school, with an active agreement being renewed.
    const school = await makePartner(owner, 'École Saint-Martin', 'school');
    const original = await fullAgreement(owner, [school], { status: 'active', title: 'Stages 2026' });
    const agent = await signIn(app, owner);
    const renew = await postForm(
      agent,
      `/agreements/${String(original._id)}/transition`,
      { action: 'renew' },
      `/agreements/${String(original._id)}`,
    );
    const draftPath = renew.headers.location as string;
    const draft = await agent.get(draftPath);
    expect(draft.text).to.contain('id="lessons"');
    expect(draft.text).to.contain('Rédiger le retour d’expérience de « Stages 2026 »'.replace(/ »/, '\u202f»').replace(/« /, '«\u202f'));
    expect(draft.text).to.contain('Avec d’autres partenaires du type').and.contain(lesson.didNotWork);
    // The original's own page asks too; once written, the draft no longer asks.
    expect((await agent.get(`/agreements/${String(original._id)}`)).text).to.contain('Rédiger le retour d’expérience');
    expect(
      (await write(agent, `/agreements/${String(original._id)}/retrospective`, { ...lesson, why: 'Renouvelée telle quelle' })).status,
    ).to.equal(302);
    expect((await RetrospectiveModel.findOne({ agreementId: original._id }).lean())!.ending).to.equal('renewing');
    const after = await agent.get(draftPath);
    expect(after.text).to.not.contain('Rédiger le retour d’expérience de');
    expect(after.text).to.contain('Renouvelée telle quelle');
    // The partner page shows the school's own lesson and, while drafting, the other school's.
    const partnerPage = await agent.get(`/partners/${String(school)}`);
    expect(partnerPage.text).to.contain('Renouvelée telle quelle').and.contain('Cégep de Laval');
  });

  it('searches every word in any order, accents and case aside, with filters and pagination', async () => {
    const owner = await createUser({ locale: 'en' });
    const agent = await signIn(app, owner);
    const first = await ended(owner, 'expired');
    await write(agent, first.path);
    const second = await ended(owner, 'terminated', { title: 'Emploi été' });
    await write(agent, second.path, { ...lesson, worked: 'Très bon accueil', partnerAgain: 'yes' });
    const search = async (qs: string) => {
      const res = await agent.get(`/retrospectives?${qs}`);
      expect(res.status).to.equal(200);
      return [...res.text.matchAll(/data-retrospective="([a-f0-9]{24})"/g)].map((m) => m[1]);
    };
    expect(await search('q=TRANSPORT cegep')).to.have.members([String(first.a._id), String(second.a._id)]);
    expect(await search('q=accueil tres')).to.deep.equal([String(second.a._id)]);
    expect(await search('q=accueil+absent')).to.deep.equal([]);
    expect(await search('partnerAgain=yes')).to.deep.equal([String(second.a._id)]);
    expect(await search('ending=expired&partnerType=school')).to.deep.equal([String(first.a._id)]);
    expect(await search('q=%5B(.*')).to.deep.equal([]);
    expect(await search('partnerType=%7B%22%24ne%22%3A1%7D')).to.have.length(2);
  });

  it('mails the owner of an agreement that ended a day ago, once, and not when it is written or long past', async () => {
    const owner = await createUser({ locale: 'fr', name: 'Olivia Owner' });
    const due = await ended(owner, 'expired', { title: 'Mentorat 2025' });
    await ended(owner, 'expired', { title: 'Vieille entente', statusChangedAt: new Date(Date.now() - 40 * DAY) });
    const done = await ended(owner, 'terminated', { title: 'Déjà faite' });
    await write(await signIn(app, owner), done.path);
    await reminderTick();
    await reminderTick();
    const mails = getTestSmtp().messages.filter((m) => /Retour d’expérience à rédiger/.test(m.subject));
    expect(mails.map((m) => m.subject.replace(/\s/g, ' '))).to.deep.equal(['Retour d’expérience à rédiger : Mentorat 2025']);
    expect(mails[0]!.text).to.contain(`${due.path}`).and.contain('(expirée)');
    expect(await OutboxModel.countDocuments({ kind: 'retrospective_due' })).to.equal(1);
  });

  it('shows on a partner page its lessons, those still to write, and nothing when there is none', async () => {
    const owner = await createUser({ locale: 'en' });
    const agent = await signIn(app, owner);
    const { partner, a } = await ended(owner, 'expired', { title: 'Old mentoring' });
    let page = await agent.get(`/partners/${String(partner)}`);
    expect(page.text).to.contain('1 ended agreement has no retrospective yet').and.contain('Write the retrospective of “Old mentoring”');
    await write(agent, `/agreements/${String(a._id)}/retrospective`);
    page = await agent.get(`/partners/${String(partner)}`);
    expect(page.text).to.not.contain('no retrospective yet');
    expect(page.text).to.contain(lesson.worked);
    const fresh = await makePartner(owner, 'Nouveau partenaire', 'employer');
    expect((await agent.get(`/partners/${String(fresh)}`)).text).to.not.contain('id="lessons"');
    expect(await AgreementModel.countDocuments()).to.equal(1);
  });
});
