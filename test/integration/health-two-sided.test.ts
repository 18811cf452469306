// Health rated by both sides: the partner's contacts rate the partnership with each follow-up
// (optional questions on the same signed link), and the agreement, its health page and the
// dashboard set their view against the team's, flagging a dimension two points apart or more.
import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { clearDatabase } from '../helpers/db.js';
import { createUser, makeApp, signIn, type TestUser } from '../helpers/app.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { ProgressCheckModel } from '../../src/progress/model.js';
import { FollowUpRequestModel, FollowUpResponseModel } from '../../src/reminders/followup-response.model.js';
import { reminderTick } from '../../src/reminders/jobs.js';
import { deliverUntilIdle } from '../../src/reminders/deliver.js';
import { dashboard, blockRows, type DashboardFilter } from '../../src/dashboard/service.js';

const DAY = 86_400_000;
const all: DashboardFilter = { ownerId: null, type: null, region: null, period: 90 };
const ratings = (trust: string, communication: string, sharedGoals: string, roles: string, mutualBenefit: string) => ({
  health_trust: trust,
  health_communication: communication,
  health_sharedGoals: sharedGoals,
  health_roles: roles,
  health_mutualBenefit: mutualBenefit,
});
const received = (to: string) => getTestSmtp().messages.filter((m) => m.to.includes(to));

describe('partnership health rated by both sides', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
  });

  /** An active agreement whose check is due, its team check (4 everywhere, 20/25), and the follow-up links sent. */
  async function setup(ownerLocale: 'en' | 'fr' = 'en') {
    const owner: TestUser = await createUser({ locale: ownerLocale, name: 'Olivia Owner' });
    const partner = await PartnerModel.create({
      name: 'Carrefour jeunesse-emploi',
      nameFolded: 'carrefour jeunesse-emploi',
      type: 'community',
      ownerId: owner._id,
      stage: 'active',
      contacts: [
        { name: 'Julie Tremblay', email: 'julie@cje.example', locale: 'fr', primary: true, emailConsent: true },
        { name: 'Sam Lee', email: 'sam@cje.example', locale: 'en', primary: true, emailConsent: true },
      ],
    });
    const due = new Date(Date.now() - DAY);
    const agreement = await AgreementModel.create({
      title: 'Mentorat',
      partnerIds: [partner._id],
      ownerId: owner._id,
      status: 'active',
      followUp: { checkFrequency: 'quarterly', nextCheckDue: due },
    });
    await reminderTick();
    await ProgressCheckModel.create({
      agreementId: agreement._id,
      partnerIds: [partner._id],
      periodStart: new Date(Date.now() - 90 * DAY),
      periodEnd: new Date(Date.now() - 2 * DAY),
      status: 'on_track',
      health: { trust: 4, communication: 4, sharedGoals: 4, roles: 4, mutualBenefit: 4 },
      healthScore: 20,
      source: 'team',
      recordedById: owner._id,
      recordedByName: owner.name,
    });
    const link = (email: string) => /http:\/\/passerelle\.test(\/p\/followup\/[\w.-]+)/.exec(received(email)[0]!.text)![1]!;
    return { owner, partner, agreement, due, julie: link('julie@cje.example'), sam: link('sam@cje.example') };
  }

  async function answer(path: string, fields: Record<string, string>) {
    const agent = supertest.agent(app);
    const form = await agent.get(path);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? 'none';
    return {
      form,
      res: await agent
        .post(path)
        .type('form')
        .send({ progress: '', challenges: '', ...fields, _csrf }),
    };
  }

  it('the questions are optional: a contact may leave ratings out, and the answer is kept with its round', async () => {
    const { julie, sam, due, partner } = await setup();
    const { form, res } = await answer(julie, { progress: 'Bonne année', ...ratings('2', '', '4', '', '') });
    expect(form.text).to.contain('Facultatif');
    expect(form.text).not.to.match(/<select[^>]*name="health_trust"[^>]*required/);
    expect(res.status).to.equal(200);
    const response = await FollowUpResponseModel.findOne({ contactId: partner.contacts[0]!._id }).lean();
    expect(response!.health).to.deep.include({ trust: 2, communication: null, sharedGoals: 4, roles: null, mutualBenefit: null });
    expect(response!.healthScore).to.equal(null);
    const check = await ProgressCheckModel.findOne({ source: 'partner', contactId: partner.contacts[0]!._id }).lean();
    expect(check!.healthScore).to.equal(null);
    expect(check!.status).to.equal(null);
    expect(check!.round!.toISOString()).to.equal(due.toISOString());
    // Nothing rated at all is an answer too (in English, for Sam).
    const english = await answer(sam, { progress: 'All good' });
    expect(english.form.text).to.contain('Optional');
    expect(english.res.status).to.equal(200);
    expect(await ProgressCheckModel.countDocuments({ source: 'partner' })).to.equal(2);
    // The owner is told, without a score that would read "/25".
    await deliverUntilIdle();
    const told = getTestSmtp().messages.filter((m) => /answered the follow-up/.test(m.subject));
    expect(told).to.have.length(2);
    expect(told.map((m) => m.text).join('\n'))
      .to.contain('without rating every health dimension')
      .and.not.match(/health\s*\/25/);
    // A second submit of the same link records nothing more.
    const again = await answer(julie, ratings('5', '5', '5', '5', '5'));
    expect(again.form.status).to.equal(410);
    expect(await FollowUpResponseModel.countDocuments({})).to.equal(2);
  });

  it('a rating outside 1–5 is refused with the form kept, and nothing is recorded', async () => {
    const { sam } = await setup();
    const { res } = await answer(sam, { progress: 'Kept text', ...ratings('7', '3', '', '', '') });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Kept text');
    expect(await FollowUpResponseModel.countDocuments({})).to.equal(0);
    expect(await ProgressCheckModel.countDocuments({ source: 'partner' })).to.equal(0);
    expect((await FollowUpRequestModel.findOne({}).lean())!.usedAt).to.not.exist;
  });

  it('the health page and the agreement page set the partner’s view against ours and flag a gap of two points', async () => {
    const { owner, agreement, julie, sam } = await setup('en');
    await answer(julie, ratings('1', '4', '3', '5', '4')); // 17
    await answer(sam, ratings('2', '4', '3', '4', '4')); // 17
    const agent = await signIn(app, owner);
    const health = await agent.get(`/agreements/${String(agreement._id)}/health`);
    expect(health.status).to.equal(200);
    expect(health.text).to.contain('Seen from both sides');
    // Trust: partner (1+2)/2 = 1.5 against our 4 → -2.5, flagged; shared goals 3 → -1, not flagged.
    expect(health.text).to.match(/data-gap-flags="trust"/);
    expect(health.text).to.match(/data-dimension="trust">[\s\S]*?1\.5[\s\S]*?-2\.5/);
    expect(health.text).to.match(/data-dimension="score">[\s\S]*?20\/25[\s\S]*?17\/25[\s\S]*?-3/);
    expect(health.text).to.contain('2 partner answers');
    const page = await agent.get(`/agreements/${String(agreement._id)}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.match(/data-sides-summary[\s\S]*Views differ[\s\S]*Trust \(-2\.5\)/);
    // The dashboard's both-sides table gives the partner's trust average as it is: 1.5, not 2.
    const dash = await agent.get('/dashboard?owner=all');
    expect(dash.text).to.match(/data-sides-dimensions[\s\S]*?Trust<\/th><td class="num">4<\/td><td class="num">1\.5<\/td>/);
    // The same page in French, for a French-speaking manager.
    const manager = await createUser({ role: 'manager', locale: 'fr', name: 'Mona Gestion' });
    const fr = await (await signIn(app, manager)).get(`/agreements/${String(agreement._id)}/health`);
    expect(fr.text).to.contain('Vue des deux côtés').and.to.contain('Avis différents');
    expect(fr.text).to.match(/data-dimension="trust">[\s\S]*?1,5[\s\S]*?-2,5/);
  });

  it('the dashboard rates an agreement by the team’s check, and counts the agreements whose two sides differ', async () => {
    const { julie, agreement } = await setup();
    // A later partner answer, 9/25: it must not stand for the team's 20/25.
    await answer(julie, ratings('1', '2', '2', '2', '2'));
    const d = await dashboard(all, new Date());
    expect(d.health.agreementsRated).to.equal(1);
    expect(d.health.average).to.equal(20);
    expect(d.health.lowest).to.equal('trust');
    expect(d.health.sides).to.deep.include({ compared: 1, differ: 1, ours: 20, theirs: 9 });
    expect(d.health.sides.perDimension.find((r) => r.dimension === 'trust')).to.deep.equal({
      dimension: 'trust',
      ours: 4,
      theirs: 1,
      differ: 1,
    });
    expect(d.health.trend.at(-1)).to.deep.include({ average: 20, partner: 9 });
    const rows = await blockRows('sides', 'communication', all, new Date());
    expect(rows.rows).to.have.length(1);
    expect(rows.rows[0]!.cells).to.deep.equal([
      'Mentorat',
      'Olivia Owner',
      20,
      9,
      3,
      'trust communication sharedGoals roles mutualBenefit',
    ]);
    expect(rows.rows[0]!.href).to.equal(`/agreements/${String(agreement._id)}`);
  });

  it('a partner’s answer later than the team’s check never stands for the team’s rating on the dashboard', async () => {
    const { agreement, partner } = await setup();
    await ProgressCheckModel.create({
      agreementId: agreement._id,
      partnerIds: [partner._id],
      periodStart: new Date(Date.now() - 10 * DAY),
      periodEnd: new Date(),
      status: 'off_track',
      health: { trust: 1, communication: 1, sharedGoals: 1, roles: 1, mutualBenefit: 1 },
      healthScore: 5,
      source: 'partner',
      contactId: partner.contacts[0]!._id,
    });
    const d = await dashboard(all, new Date());
    expect(d.health.average).to.equal(20);
    const rows = await blockRows('health', undefined, all, new Date());
    expect(rows.rows.map((r) => r.cells[2])).to.deep.equal([20]);
  });
});
