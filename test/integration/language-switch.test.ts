import { expect } from 'chai';
import type { Express } from 'express';
import { parse } from 'node-html-parser';
import supertest from 'supertest';
import { createUser, csrfFrom, makeApp, signIn } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { AgreementModel, KpiMeasurementModel } from '../../src/agreements/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { UserModel } from '../../src/users/model.js';
import { reminderTick } from '../../src/reminders/jobs.js';
import { FollowUpResponseModel } from '../../src/reminders/followup-response.model.js';

const DAY = 86400_000;

// The language switch: signed in, it saves the profile's language; on a public page (a partner's
// follow-up link), it answers in the chosen language and keeps the link working.
describe('language switch in the header and on public pages', () => {
  let app: Express;
  beforeEach(async () => {
    app ??= await makeApp();
    await clearDatabase();
    getTestSmtp().clear();
  });

  it('when a signed-in user switches to French, then the profile says French and the page they return to is French', async () => {
    const user = await createUser({ locale: 'en' });
    const agent = await signIn(app, user);
    const page = await agent.get('/tasks?overdue=1');
    const form = parse(page.text).querySelector('form.language-switch')!;
    expect(form.getAttribute('action')).to.equal('/profile/language');
    expect(form.querySelector('button[value="en"]')!.getAttribute('aria-current')).to.equal('true');
    expect(form.querySelector('button[value="fr"]')!.getAttribute('lang')).to.equal('fr');
    const _csrf = await csrfFrom(agent, '/tasks');
    const res = await agent.post('/profile/language').type('form').send({ _csrf, lang: 'fr', returnTo: '/tasks?overdue=1' });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/tasks?overdue=1');
    expect((await UserModel.findById(user._id).lean())!.locale).to.equal('fr');
    const next = await agent.get(res.headers.location!);
    expect(next.text).to.contain('<html lang="fr">');
    expect(parse(next.text).querySelector('form.language-switch button[value="fr"]')!.getAttribute('aria-current')).to.equal('true');
  });

  it('when the switch names no language it knows, then nothing is saved; when it names another site to return to, then it stays on the site', async () => {
    const user = await createUser({ locale: 'en' });
    const agent = await signIn(app, user);
    const _csrf = await csrfFrom(agent, '/tasks');
    const bad = await agent.post('/profile/language').type('form').send({ _csrf, lang: 'de', returnTo: '/tasks' });
    expect(bad.status).to.equal(303);
    expect(bad.headers.location).to.equal('/tasks');
    expect((await UserModel.findById(user._id).lean())!.locale).to.equal('en');
    const away = await agent.post('/profile/language').type('form').send({ _csrf, lang: 'fr', returnTo: '//evil.example/x' });
    expect(away.headers.location).to.equal('/');
    expect((await UserModel.findById(user._id).lean())!.locale).to.equal('fr');
  });

  async function followUpLink() {
    const owner = await createUser({ locale: 'en', name: 'Olivia Owner' });
    const partner = await PartnerModel.create({
      name: 'Carrefour jeunesse-emploi',
      nameFolded: 'carrefour jeunesse-emploi',
      type: 'community',
      ownerId: owner._id,
      stage: 'active',
      lastActivityAt: new Date(),
      contacts: [{ name: 'Julie Tremblay', email: 'julie@cje.example', locale: 'fr', primary: true, emailConsent: true }],
    });
    const agreement = await AgreementModel.create({
      title: 'Mentorat',
      partnerIds: [partner._id],
      ownerId: owner._id,
      status: 'active',
      followUp: { checkFrequency: 'quarterly', nextCheckDue: new Date(Date.now() - DAY) },
      kpis: [{ name: 'Jeunes accompagnés', baseline: 0, target: 40 }],
    });
    await reminderTick();
    const mail = getTestSmtp().messages.find((m) => m.to.includes('julie@cje.example'))!;
    const path = /http:\/\/passerelle\.test(\/p\/followup\/[\w.-]+)/.exec(mail.text)![1]!;
    return { path, kpiId: String(agreement.kpis[0]!._id), agreementId: agreement._id };
  }

  const answer = (kpiId: string, value: string) => ({
    progress: 'Twelve placed',
    challenges: 'Transport',
    [`kpi_${kpiId}`]: value,
    health_trust: '4',
    health_communication: '5',
    health_sharedGoals: '4',
    health_roles: '3',
    health_mutualBenefit: '4',
  });

  it('when a visitor opens a page with ?lang=en, then the pages its links lead to are English too', async () => {
    const agent = supertest.agent(app);
    const login = await agent.get('/login?lang=en');
    expect(parse(login.text).querySelector('html')?.getAttribute('lang')).to.equal('en');
    const forgot = parse(login.text).querySelector('a[href^="/forgot"]')!.getAttribute('href')!;
    const next = await agent.get(forgot);
    expect(parse(next.text).querySelector('html')?.getAttribute('lang')).to.equal('en');
  });

  it('when a French contact opens the follow-up link with ?lang=en, then the form is English and its POST is answered in English', async () => {
    const { path, kpiId, agreementId } = await followUpLink();
    const agent = supertest.agent(app);
    const fr = await agent.get(path);
    expect(fr.text).to.contain('<html lang="fr">').and.contain('Suivi du partenariat');
    const form = await agent.get(`${path}?lang=en`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('<html lang="en">').and.contain('Partnership follow-up');
    const action = parse(form.text).querySelector('main form[method="post"]')!.getAttribute('action')!;
    expect(action).to.equal(`${path}?lang=en`);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const res = await agent
      .post(action)
      .type('form')
      .send({ ...answer(kpiId, '1,250.5'), _csrf });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('<html lang="en">').and.contain('Thank you Julie Tremblay');
    expect(await FollowUpResponseModel.countDocuments({})).to.equal(1);
    expect((await KpiMeasurementModel.findOne({ agreementId }).lean())!.value).to.equal(1250.5);
  });

  it('when a visitor uses the switch on a follow-up page, then the same link answers in the chosen language, and again after a ?lang= link', async () => {
    const { path } = await followUpLink();
    const agent = supertest.agent(app);
    const page = await agent.get(path);
    const sw = parse(page.text).querySelector('form.language-switch')!;
    expect(sw.getAttribute('action')).to.equal('/language');
    expect(sw.querySelector('input[name="returnTo"]')!.getAttribute('value')).to.equal(path);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const toEn = await agent.post('/language').type('form').send({ _csrf, lang: 'en', returnTo: path });
    expect(toEn.headers.location).to.equal(path);
    const en = await agent.get(path);
    expect(en.text).to.contain('<html lang="en">').and.contain('Partnership follow-up');
    // Back to French from a page opened with ?lang=en: the parameter is dropped, the choice holds.
    const toFr = await agent
      .post('/language')
      .type('form')
      .send({ _csrf, lang: 'fr', returnTo: `${path}?lang=en` });
    expect(toFr.headers.location).to.equal(path);
    expect((await agent.get(toFr.headers.location!)).text).to.contain('<html lang="fr">');
  });
});
