// Blockers made visible: raised from a progress check, a partner's follow-up answer, a meeting or the
// agreement page; resolved and shared by the agreement's people; escalated to the managers through
// the outbox once they stay open too long; counted on the dashboard.
import { expect } from 'chai';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import supertest from 'supertest';
import { clearDatabase } from '../helpers/db.js';
import { createUser, makeApp, postForm, signIn, type TestUser } from '../helpers/app.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { BlockerModel } from '../../src/blockers/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { ProgressCheckModel } from '../../src/progress/model.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { reminderTick, weeklyDigest } from '../../src/reminders/jobs.js';
import { createShareLink } from '../../src/dashboard/share.js';
import { blockRows, dashboard, type DashboardFilter } from '../../src/dashboard/service.js';

const DAY = 86_400_000;
const all: DashboardFilter = { ownerId: null, type: null, region: null, period: 90 };
const four = { trust: 4, communication: 4, sharedGoals: 4, roles: 4, mutualBenefit: 4 };

describe('blockers made visible', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
  });

  async function setup() {
    const owner: TestUser = await createUser({ name: 'Olivia Owner', locale: 'en' });
    const partner = await PartnerModel.create({
      name: 'Centre Horizon',
      nameFolded: 'centre horizon',
      type: 'community',
      ownerId: owner._id,
    });
    const agreement = await AgreementModel.create({
      title: 'Mentorat',
      partnerIds: [partner._id],
      ownerId: owner._id,
      status: 'active',
      objectives: [{ text: 'Placer 40 jeunes' }],
      kpis: [{ name: 'Jeunes placés', baseline: 0, target: 40 }],
    });
    const check = (source: 'team' | 'partner', challenges: string) =>
      ProgressCheckModel.create({
        agreementId: agreement._id,
        partnerIds: [partner._id],
        periodStart: new Date(Date.now() - 90 * DAY),
        periodEnd: new Date(),
        status: 'at_risk',
        challenges,
        supportNeeded: source === 'team' ? 'Un local le samedi' : '',
        health: four,
        healthScore: 20,
        source,
        recordedByName: 'x',
      });
    return {
      owner,
      partner,
      agreement,
      teamCheck: await check('team', 'Le transport manque'),
      partnerCheck: await check('partner', 'Pas de local'),
    };
  }
  const kpiOf = (a: { kpis: { _id: Types.ObjectId }[] }) => `kpi:${String(a.kpis[0]!._id)}`;

  it('raises a blocker from a team check, a partner’s answer and a meeting, each starting from what it said', async () => {
    const { owner, agreement, teamCheck, partnerCheck, partner } = await setup();
    const agent = await signIn(app, owner);
    const base = `/agreements/${String(agreement._id)}/blockers`;
    const form = await agent.get(`${base}/new?source=check&sourceId=${String(teamCheck._id)}`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Le transport manque').and.to.contain('Un local le samedi').and.to.contain('KPI: Jeunes placés');
    const raised = await postForm(
      agent,
      base,
      { what: 'Le transport manque', hurts: kpiOf(agreement), unblockBy: 'La ville', source: 'check', sourceId: String(teamCheck._id) },
      `${base}/new`,
    );
    expect(raised.status).to.equal(302);
    expect(raised.headers.location).to.equal(`/agreements/${String(agreement._id)}#blockers`);
    await postForm(agent, base, { what: 'Pas de local', source: 'check', sourceId: String(partnerCheck._id) }, `${base}/new`);
    // The same form sent again (a double click) records nothing more.
    await postForm(agent, base, { what: 'Pas de local', source: 'check', sourceId: String(partnerCheck._id) }, `${base}/new`);
    const meeting = await MeetingModel.create({
      title: 'Comité',
      partnerId: partner._id,
      agreementId: agreement._id,
      ownerId: owner._id,
      start: new Date(),
      end: new Date(Date.now() + 3600_000),
      zone: 'America/Toronto',
    });
    await postForm(
      agent,
      base,
      {
        what: 'Décision en attente',
        hurts: `objective:${String(agreement.objectives[0]!._id)}`,
        source: 'meeting',
        sourceId: String(meeting._id),
      },
      `${base}/new`,
    );
    const stored = await BlockerModel.find({}).sort({ raisedAt: 1 }).lean();
    expect(stored.map((b) => [b.source, b.hurtsLabel, b.status])).to.deep.equal([
      ['check', 'Jeunes placés', 'open'],
      ['followup', '', 'open'],
      ['meeting', 'Placer 40 jeunes', 'open'],
    ]);
    const page = await agent.get(`/agreements/${String(agreement._id)}`);
    expect(page.text).to.contain('Blockers (3 open)').and.to.contain('open for 0 days').and.to.contain('La ville');
  });

  it('refuses a blocker without text (the input kept), one hurting another agreement’s KPI, from another agreement’s meeting, or by someone else — storing nothing', async () => {
    const { owner, agreement, partner, teamCheck } = await setup();
    const other = await AgreementModel.create({
      title: 'Autre',
      partnerIds: [partner._id],
      ownerId: owner._id,
      status: 'active',
      kpis: [{ name: 'Autre KPI', baseline: 0, target: 1 }],
    });
    const meeting = await MeetingModel.create({
      title: 'Autre comité',
      partnerId: partner._id,
      agreementId: other._id,
      ownerId: owner._id,
      start: new Date(),
      end: new Date(Date.now() + 3600_000),
      zone: 'America/Toronto',
    });
    const agent = await signIn(app, owner);
    const base = `/agreements/${String(agreement._id)}/blockers`;
    const empty = await postForm(agent, base, { what: '  ', unblockBy: 'Kept person' }, `${base}/new`);
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Kept person');
    expect((await postForm(agent, base, { what: 'x', hurts: kpiOf(other) }, `${base}/new`)).status).to.equal(303);
    expect((await postForm(agent, base, { what: 'x', source: 'meeting', sourceId: String(meeting._id) }, `${base}/new`)).status).to.equal(
      303,
    );
    const stranger = await signIn(app, await createUser({ name: 'Sam Stranger', locale: 'fr' }));
    expect((await postForm(stranger, base, { what: 'x' })).status).to.equal(403);
    expect((await stranger.get(`${base}/new`)).status).to.equal(403);
    // The check's page offers the form only to those who may use it.
    expect((await stranger.get(`/progress/${String(teamCheck._id)}`)).text).not.to.contain('/blockers/new');
    expect((await agent.get(`/progress/${String(teamCheck._id)}`)).text).to.contain('/blockers/new');
    expect(await BlockerModel.countDocuments({})).to.equal(0);
  });

  it('resolves once, and the shared page shows only the blockers marked shared', async () => {
    const { owner, agreement } = await setup();
    const agent = await signIn(app, owner);
    const base = `/agreements/${String(agreement._id)}/blockers`;
    await postForm(agent, base, { what: 'Visible au partenaire', shared: 'on' }, `${base}/new`);
    await postForm(agent, base, { what: 'Interne seulement' }, `${base}/new`);
    const [shown, hidden] = await BlockerModel.find({}).sort({ raisedAt: 1 }).lean();
    const token = await createShareLink({ _id: owner._id, name: owner.name, role: 'professional' }, agreement._id);
    const shared = await supertest(app).get(`/shared/${token}`);
    expect(shared.text).to.contain('Visible au partenaire').and.not.to.contain('Interne seulement');
    await postForm(agent, `${base}/${String(shown!._id)}/share`, { shared: '' }, `/agreements/${String(agreement._id)}`);
    expect((await supertest(app).get(`/shared/${token}`)).text).not.to.contain('Visible au partenaire');
    const r = await postForm(
      agent,
      `${base}/${String(hidden!._id)}/resolve`,
      { resolution: 'La ville a prêté un autobus' },
      `/agreements/${String(agreement._id)}`,
    );
    expect(r.status).to.equal(302);
    const resolved = await BlockerModel.findById(hidden!._id).lean();
    expect(resolved).to.deep.include({ status: 'resolved', resolution: 'La ville a prêté un autobus', resolvedByName: 'Olivia Owner' });
    await postForm(agent, `${base}/${String(hidden!._id)}/resolve`, { resolution: 'Encore' }, `/agreements/${String(agreement._id)}`);
    expect((await BlockerModel.findById(hidden!._id).lean())!.resolution).to.equal('La ville a prêté un autobus');
  });

  it('escalates a blocker open too long to every manager once, through the outbox and the digest; the dashboard counts it', async () => {
    const { owner, agreement } = await setup();
    const fr = await createUser({ role: 'manager', name: 'Mona Gestion', locale: 'fr' });
    const en = await createUser({ role: 'admin', name: 'Ada Admin', locale: 'en' });
    const ended = await AgreementModel.create({
      title: 'Finie',
      partnerIds: agreement.partnerIds,
      ownerId: owner._id,
      status: 'terminated',
    });
    const blocker = (agreementId: Types.ObjectId, what: string, daysAgo: number, status: 'open' | 'resolved' = 'open') =>
      BlockerModel.create({
        agreementId,
        what,
        source: 'agreement',
        raisedAt: new Date(Date.now() - daysAgo * DAY),
        raisedById: owner._id,
        raisedByName: owner.name,
        status,
      });
    await blocker(agreement._id, 'Le local est fermé', 20);
    await blocker(agreement._id, 'Trop récent', 5);
    await blocker(agreement._id, 'Déjà levé', 30, 'resolved');
    await blocker(ended._id, 'Entente finie', 30);
    await reminderTick();
    await reminderTick(); // a second tick (or a restart) sends nothing more
    const sent = await OutboxModel.find({ kind: 'blocker_escalation' }).lean();
    expect(sent.map((m) => m.to).sort()).to.deep.equal([en.email, fr.email].sort());
    const mails = getTestSmtp().messages.filter((m) => /Le local est fermé/.test(m.text));
    const subjects = mails.map((m) => m.subject.replace(/\s/g, ' ')).sort();
    expect(subjects).to.deep.equal(['Blocker open for 14 days or more: Mentorat', 'Obstacle ouvert depuis 14 jours ou plus : Mentorat']);
    await weeklyDigest();
    const digest = getTestSmtp().messages.find((m) => m.to.includes(fr.email) && /Obstacles ouverts depuis trop longtemps/.test(m.text));
    expect(digest!.text).to.match(/Mentorat — Le local est fermé \(ouvert depuis 20 jours\)/);
    expect(digest!.text).not.to.contain('Trop récent');
    const d = await dashboard(all, new Date());
    expect(d.blockers).to.deep.include({ open: 2, escalated: 1 });
    expect(d.blockers.worst.map((b) => [b.what, b.escalated])).to.deep.equal([
      ['Le local est fermé', true],
      ['Trop récent', false],
    ]);
    const rows = await blockRows('blockers', 'escalated', all, new Date());
    expect(rows.rows.map((r) => r.cells[2])).to.deep.equal(['Le local est fermé']);
  });
});
