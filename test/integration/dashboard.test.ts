import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { type Types } from 'mongoose';
import supertest from 'supertest';
import { makeApp, createUser, signIn, postForm, type Agent, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { AgreementModel, KpiMeasurementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { PartnerModel, StageChangeModel } from '../../src/partners/model.js';
import type { PartnerType, Stage } from '../../src/partners/constants.js';
import { ProgressCheckModel } from '../../src/progress/model.js';
import { TaskModel } from '../../src/tasks/model.js';
import { BlockerModel } from '../../src/blockers/model.js';
import { dashboard, type DashboardFilter } from '../../src/dashboard/service.js';
import { ShareLinkModel } from '../../src/dashboard/share.js';
import { readingAsOfNow } from '../../src/db/directory.js';

const DAY = 86_400_000;
const days = (n: number) => new Date(Date.now() + n * DAY);
const all: DashboardFilter = { ownerId: null, type: null, region: null, period: 90 };

interface Fixture {
  manager: TestUser;
  a: TestUser;
  b: TestUser;
  a1: Types.ObjectId;
}

const partner = (name: string, type: PartnerType, ownerId: Types.ObjectId, stage: Stage, extra: object = {}) =>
  PartnerModel.create({ name, nameFolded: name.toLowerCase(), type, ownerId, stage, ...extra });
const health = (v: number, roles = v) => ({ trust: v, communication: v, sharedGoals: v, roles, mutualBenefit: v });

/** A known small portfolio; every figure the tests assert is derived by hand in the comments. */
async function seedPortfolio(): Promise<Fixture> {
  const manager = await createUser({ role: 'manager', name: 'Mona Manager' });
  const a = await createUser({ role: 'professional', name: 'Alex Pro' });
  const b = await createUser({ role: 'professional', name: 'Bea Pro' });
  const p1 = await partner('Centre communautaire', 'community', a._id, 'active', { region: 'Montréal' });
  const p2 = await partner('École secondaire', 'school', a._id, 'active');
  const p3 = await partner('Ministère', 'government', b._id, 'exploring');
  const p4 = await partner('Usine', 'employer', b._id, 'identified');
  const p5 = await partner('Paroisse', 'faith', a._id, 'active', { region: 'Laval' });
  await partner('Archived one', 'other', a._id, 'identified', { archived: true });
  await StageChangeModel.insertMany([
    { partnerId: p3._id, from: 'identified', to: 'contacted', at: days(-10) },
    { partnerId: p3._id, from: 'contacted', to: 'exploring', at: days(-5) },
    { partnerId: p4._id, from: null, to: 'identified', at: days(-3) },
    { partnerId: p1._id, from: 'agreement', to: 'active', at: days(-200) }, // outside the 90 days
  ]);
  const kpi = (name: string, status: string, latestValue: number | null = 1) => ({ name, baseline: 0, target: 10, status, latestValue });
  const a1 = await AgreementModel.create({
    title: '=Entente jeunesse',
    partnerIds: [p1._id, p2._id],
    ownerId: a._id,
    status: 'active',
    endDate: days(20),
    objectives: [{ text: 'Placer 40 jeunes' }],
    kpis: [kpi('Jeunes placés', 'on_track', 8), kpi('Heures de mentorat', 'off_track', 1)],
    funding: {
      total: 10000,
      currency: 'CAD',
      installments: [
        { dueDate: days(-30), amount: 4000, paid: true },
        { dueDate: days(-5), amount: 3000, paid: false },
        { dueDate: days(40), amount: 3000, paid: false },
      ],
    },
    followUp: { checkFrequency: 'quarterly', nextCheckDue: days(-2), reportingDuties: 'Rapport interne confidentiel' },
  });
  const a2 = await AgreementModel.create({
    title: 'Entente paroisse',
    partnerIds: [p5._id],
    ownerId: a._id,
    status: 'active',
    endDate: days(50),
    kpis: [kpi('Bénévoles', 'at_risk', 3), kpi('Ateliers', 'no_data', null)],
    funding: { total: 5000, currency: 'EUR', installments: [{ dueDate: days(-1), amount: 5000, paid: true }] },
    followUp: { nextCheckDue: days(10) },
  });
  const a3 = await AgreementModel.create({
    title: 'Entente ministère',
    partnerIds: [p3._id],
    ownerId: b._id,
    status: 'active',
    endDate: days(200),
    kpis: [kpi('Dossiers', 'on_track', 9)],
    funding: { none: true },
    followUp: { nextCheckDue: days(-1) },
  });
  await AgreementModel.insertMany([
    { title: 'Ancienne entente', partnerIds: [p1._id], ownerId: a._id, status: 'expired' },
    { title: 'Entente terminée', partnerIds: [p2._id], ownerId: a._id, status: 'terminated' },
    { title: 'Entente renouvelée', partnerIds: [p5._id], ownerId: a._id, status: 'renewed' },
    { title: 'Brouillon', partnerIds: [p4._id], ownerId: b._id, status: 'draft' },
  ]);
  await TaskModel.insertMany([
    { title: 'Late A', ownerId: a._id, dueDate: days(-1), partnerId: p1._id },
    { title: 'Late B', ownerId: b._id, dueDate: days(-2), status: 'in_progress', partnerId: p3._id },
    { title: 'Done A', ownerId: a._id, dueDate: days(-3), status: 'done' },
    { title: 'Future A', ownerId: a._id, dueDate: days(3) },
  ]);
  const meeting = (title: string, ownerId: Types.ObjectId, start: Date, extra: object = {}) => ({
    title,
    partnerId: p1._id,
    agreementId: a1._id,
    ownerId,
    start,
    end: new Date(start.getTime() + 3600_000),
    zone: 'America/Toronto',
    ...extra,
  });
  await MeetingModel.insertMany([
    meeting('Rencontre de planification', a._id, days(2)),
    meeting('Cancelled', a._id, days(3), { cancelled: true }),
    meeting('Later', b._id, days(10)),
  ]);
  const check = (agreementId: Types.ObjectId, end: Date, h: ReturnType<typeof health>) => ({
    agreementId,
    periodStart: new Date(end.getTime() - 90 * DAY),
    periodEnd: end,
    status: 'on_track',
    health: h,
    healthScore: Object.values(h).reduce((s, x) => s + x, 0),
  });
  await ProgressCheckModel.insertMany([
    check(a1._id, days(-100), health(3)), // 15, superseded
    check(a1._id, days(-10), health(4, 2)), // 18, roles 2
    check(a3._id, days(-20), health(3)), // 15
  ]);
  // Two open blockers of the first agreement: one open for 30 days (escalated), one for 2; one resolved.
  const blocker = (what: string, daysAgo: number, status: 'open' | 'resolved' = 'open') => ({
    agreementId: a1._id,
    what,
    source: 'agreement',
    status,
    raisedAt: days(-daysAgo),
    raisedById: a._id,
  });
  await BlockerModel.insertMany([blocker('Local fermé', 30), blocker('Horaire à revoir', 2), blocker('Déjà levé', 40, 'resolved')]);
  await KpiMeasurementModel.create({
    agreementId: a1._id,
    kpiId: (await AgreementModel.findById(a1._id).lean())!.kpis[0]!._id,
    value: 8,
    periodEnd: days(-10),
  });
  void a2;
  return { manager, a, b, a1: a1._id };
}

describe('steering dashboard', function () {
  this.timeout(30_000);
  let app: Express;
  let fx: Fixture;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    fx = await seedPortfolio();
  });

  it('computes every figure of a known portfolio, when seen by everyone, then each block matches the hand count', async () => {
    const d = await dashboard(all);
    expect(Object.fromEntries(d.pipeline.perStage.map((s) => [s.stage, s.count]))).to.deep.equal({
      identified: 1,
      contacted: 0,
      exploring: 1,
      agreement: 0,
      active: 3,
      on_hold: 0,
      closed: 0,
    });
    expect(d.pipeline.entered).to.include({ identified: 1, contacted: 1, exploring: 1, active: 0 });
    expect(d.pipeline.movements).to.have.length(3);
    expect(Object.fromEntries(d.agreements.perStatus.map((s) => [s.status, s.count]))).to.deep.equal({
      draft: 1,
      in_review: 0,
      active: 3,
      expired: 1,
      terminated: 1,
      renewed: 1,
    });
    expect(d.agreements.ending.map((e) => e.count)).to.deep.equal([1, 2, 2]);
    expect(d.attainment.counts).to.deep.equal({ on_track: 2, at_risk: 1, off_track: 1, no_data: 1 });
    expect(d.attainment.shares).to.deep.equal({ on_track: 50, at_risk: 25, off_track: 25 });
    expect(d.attainment.worst[0]!.kpi.name).to.equal('Heures de mentorat');
    expect(d.attainment.worst[1]!.kpi.name).to.equal('Bénévoles');
    expect(d.followUp).to.deep.equal({ checksOverdue: 2, tasksOverdue: 2, meetingsThisWeek: 1, unsigned: 0 });
    expect(d.blockers).to.deep.include({ open: 2, escalated: 1 });
    expect(d.blockers.worst.map((b) => b.what)).to.deep.equal(['Local fermé', 'Horaire à revoir']);
    expect(d.health.average).to.equal(16.5);
    expect(d.health.agreementsRated).to.equal(2);
    expect(d.health.lowest).to.equal('roles');
    expect(d.health.dimensions.roles).to.equal(2.5);
    expect(d.health.trend).to.have.length.greaterThan(1);
    const perType = Object.fromEntries(d.diversity.perType.map((x) => [x.type, x.count]));
    expect(perType).to.include({ community: 1, school: 1, faith: 1, government: 1, employer: 0, other: 0 });
    expect(d.diversity.typesCovered).to.equal(4);
    expect(d.mastery.map((m) => [m.name, m.agreements, m.types, m.meetsGoal])).to.deep.equal([
      ['Alex Pro', 5, 3, true],
      ['Bea Pro', 1, 1, false],
    ]);
    expect(d.funding).to.deep.equal([
      { currency: 'CAD', committed: 10000, received: 4000, due: 3000, agreements: 1 },
      { currency: 'EUR', committed: 5000, received: 5000, due: 0, agreements: 1 },
    ]);
  });

  it('filters by owner, partner type and region, when set, then only matching partners, movements and agreements count', async () => {
    const school = await dashboard({ ...all, type: 'school' });
    expect(school.pipeline.perStage.find((s) => s.stage === 'active')!.count).to.equal(1);
    expect(school.agreements.perStatus.find((s) => s.status === 'active')!.count).to.equal(1); // a1 has a school partner
    expect(school.attainment.total).to.equal(2);
    const government = await dashboard({ ...all, type: 'government' });
    expect(government.pipeline.entered).to.include({ identified: 0, contacted: 1, exploring: 1 });
    const bea = await dashboard({ ...all, ownerId: fx.b._id });
    expect(bea.pipeline.entered).to.include({ identified: 1, contacted: 1, exploring: 1 });
    expect(bea.pipeline.perStage.filter((s) => s.count).map((s) => [s.stage, s.count])).to.deep.equal([
      ['identified', 1],
      ['exploring', 1],
    ]);
    const laval = await dashboard({ ...all, region: 'Laval' });
    expect(laval.agreements.perStatus.find((s) => s.status === 'active')!.count).to.equal(1);
    expect(laval.funding.map((f) => f.currency)).to.deep.equal(['EUR']);
  });

  it('shows a professional their own work by default, when they open the dashboard, and everyone when they choose it', async () => {
    const agent = await signIn(app, fx.a);
    const mine = (await agent.get('/dashboard')).text;
    expect(mine).to.match(/<option value="me" selected/);
    expect(figure(mine, 'tasks')).to.equal('1');
    expect(figure(mine, 'checks')).to.equal('1');
    expect(mine).to.contain('Alex Pro').and.not.contain('>Bea Pro</a>');
    const everyone = (await agent.get('/dashboard?owner=all')).text;
    expect(figure(everyone, 'tasks')).to.equal('2');
    expect(figure(everyone, 'checks')).to.equal('2');
    const manager = await signIn(app, fx.manager);
    const page = (await manager.get('/dashboard')).text;
    expect(page).to.match(/<option value="all" selected/);
    expect(figure(page, 'ending-60')).to.equal('2');
    expect(figure(page, 'meetings')).to.equal('1');
    expect(page).to.contain('data-figure="committed-CAD"');
    expect((page.match(/<canvas /g) ?? []).length).to.equal(6);
    expect((page.match(/data-chart-table=/g) ?? []).length).to.equal(6);
    const french = await signIn(app, await createUser({ role: 'manager', locale: 'fr' }));
    const fr = (await french.get('/dashboard')).text;
    expect(fr).to.contain('Tableau de bord de pilotage').and.contain('Atteinte des indicateurs de rendement clés');
    expect(fr).to.not.match(/(dashboard|partners|agreements|progress):[a-zA-Z]/);
  });

  it('lists exactly the records a figure counts, when any click-through of any block is followed, under every filter', async function () {
    this.timeout(120_000);
    const manager = await signIn(app, fx.manager);
    const alex = await signIn(app, fx.a);
    const french = await signIn(app, await createUser({ role: 'manager', locale: 'fr' }));
    const views: [Agent, string][] = [
      [manager, 'owner=all'],
      [manager, 'owner=all&type=school'],
      [manager, 'owner=all&type=community&period=30'],
      [manager, 'owner=all&region=Laval'],
      [manager, `owner=${String(fx.b._id)}`],
      [alex, ''],
      [french, 'owner=all&type=government&period=365'],
    ];
    for (const [agent, query] of views) {
      const page = (await agent.get(`/dashboard?${query}`)).text;
      const blocks = dashboardBlocks(page);
      expect([...blocks.keys()], query).to.deep.equal([
        'pipeline',
        'agreements',
        'attainment',
        'follow-up',
        'blockers',
        'health',
        'diversity',
        'map',
        'mastery',
        'funding',
      ]);
      for (const [block, links] of blocks) {
        const lists = links.filter((l) => /^\/dashboard\/rows\/[a-z]+\?/.test(l.href));
        const csvs = links.filter((l) => /^\/dashboard\/rows\/[a-z]+\.csv\?/.test(l.href));
        for (const other of links.filter((l) => !l.href.startsWith('/dashboard/rows/'))) {
          // Any other link opens one record (an agreement of the worst-KPI table), never a list.
          expect(other.href, `${query} ${block}: “${other.text}” leads to a list that is not the figure's`).to.match(
            /^\/agreements\/[a-f0-9]{24}(#blockers|\/health#sides)?$/,
          );
        }
        for (const csv of csvs)
          expect(
            lists.map((l) => l.href),
            `${query} ${block}: CSV of no figure`,
          ).to.include(csv.href.replace('.csv?', '?'));
        // The CSV export lists the same rows (checked once, for everyone's view); requests run side by side.
        await Promise.all(
          lists.map(async (link) => {
            const where = `${query} ${block} ${link.href}`;
            expect(link.figure, `${where}: the link shows its figure`).to.match(/^\d+$/);
            const rows = await agent.get(link.href);
            expect(rows.status, where).to.equal(200);
            expect(/data-total="(\d+)"/.exec(rows.text)?.[1], where).to.equal(link.figure);
            const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(rows.text)?.[1] ?? '';
            expect((body.match(/<tr>/g) ?? []).length, `${where}: rows listed`).to.equal(Math.min(Number(link.figure), 50));
            expect(rows.text, where).to.not.match(/(dashboard|partners|agreements|tasks|meetings|progress):[a-zA-Z]/);
            if (query !== 'owner=all') return;
            const csv = await csvText(agent, link.href.replace(/(\/rows\/[a-z]+)\?/, '$1.csv?'));
            expect(csv.trim().split(/\r?\n/).length - 1, `${where}: CSV rows`).to.equal(Number(link.figure));
          }),
        );
      }
      if (query === 'owner=all') {
        // Every figure that counts records is a link: per block, the figures of the known portfolio.
        const counts = Object.fromEntries(
          [...blocks].map(([b, links]) => [b, links.filter((l) => /^\/dashboard\/rows\/[a-z]+\?/.test(l.href)).length]),
        );
        expect(counts).to.deep.equal({
          pipeline: 18,
          agreements: 10,
          attainment: 5,
          'follow-up': 4, // checks, tasks, meetings, contracts without a signed copy
          blockers: 2, // open, escalated
          health: 1,
          diversity: 9,
          map: 10, // five places (type and region), each its circle and its table row
          mastery: 2,
          funding: 3,
        });
      }
    }
    const school = dashboardBlocks((await manager.get('/dashboard?owner=all&type=school')).text).get('diversity')!;
    const community = school.find((l) => l.href.includes('community'));
    expect(community?.figure, 'an agreement with a school and a community partner').to.equal('1');
    const kpis = (await manager.get('/dashboard/rows/kpis?owner=all&key=at_risk')).text;
    expect(kpis).to.contain('Bénévoles').and.not.contain('Heures de mentorat');
    expect((await manager.get('/dashboard/rows/nothing')).status).to.equal(404);
  });

  it('exports a block as CSV, when asked, with a BOM, a header and formulas neutralized', async () => {
    const agent = await signIn(app, fx.manager);
    const res = await agent
      .get('/dashboard/rows/kpis.csv?owner=all')
      .buffer(true)
      .parse((r, cb) => {
        let s = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (s += c));
        r.on('end', () => cb(null, s));
      });
    expect(res.headers['content-type']).to.contain('text/csv');
    const text = res.body as string;
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    const lines = text.slice(1).trim().split(/\r?\n/);
    expect(lines).to.have.length(6); // header + 5 KPIs
    expect(lines[1]).to.contain("'=Entente jeunesse");
  });

  it('renders the printable report on its own page, when asked, with every block and no layout', async () => {
    const agent = await signIn(app, fx.manager);
    const res = await agent.get('/dashboard/report?owner=all');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('dashboard-report.css').and.not.contain('class="main-nav"');
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(figure(res.text, 'checks')).to.equal('2');
  });

  it('issues the same number of database commands, when the portfolio grows from 10 to 200 partners', async () => {
    const client = mongoose.connection.getClient();
    const commands = async (f: DashboardFilter) => {
      let n = 0;
      const on = () => (n += 1);
      client.on('commandStarted', on);
      // As in a GET request: the directories read as of its start, with one log read for all.
      await readingAsOfNow(() => dashboard(f));
      client.off('commandStarted', on);
      return n;
    };
    const count = async (f: DashboardFilter = all) => {
      // Steady state: the partner directory has applied the partners just added (by id, once).
      await dashboard(f);
      // A write no directory holds moves the log's head on: the next request computes afresh.
      await TaskModel.create({ title: 'Touch', dueDate: days(5), ownerId: fx.a._id });
      return commands(f);
    };
    await addPartners(fx.a._id, 10);
    const small = await count();
    await addPartners(fx.a._id, 190);
    const large = await count();
    // Six: the change log's head, then the log since it moved (one read for the four directories); tasks, progress checks, users, open blockers.
    expect(small).to.equal(6);
    expect(large).to.equal(small);
    expect(await count({ ...all, ownerId: fx.a._id, type: 'school', region: 'Laval' })).to.equal(6);
    // Asked again with nothing changed: one command, the head, and the blocks computed before.
    await dashboard(all);
    expect(await commands(all)).to.equal(1);
  });

  it('computes once for requests with the same filter, and shows a task, a check or a partner written since at once', async () => {
    await dashboard({ ...all, period: 365 }); // the directories' first load is a change of the data too
    const [first, second] = await Promise.all([dashboard(all), dashboard(all)]);
    expect(second, 'two requests at once share one computation').to.equal(first);
    expect(await dashboard(all)).to.equal(first);
    expect(await dashboard({ ...all, period: 30 }), 'another filter').to.not.equal(first);
    const overdue = first.portfolio.tasksOverdue.length;
    await TaskModel.create({ title: 'Appeler le centre', dueDate: days(-2), ownerId: fx.a._id, status: 'open' });
    const afterTask = await dashboard(all);
    expect(afterTask.portfolio.tasksOverdue).to.have.length(overdue + 1);
    const checks = afterTask.portfolio.checks.length;
    await ProgressCheckModel.create({
      agreementId: fx.a1,
      periodStart: days(-40),
      periodEnd: days(-1),
      status: 'on_track',
      health: health(5),
      healthScore: 25,
    });
    const afterCheck = await dashboard(all);
    expect(afterCheck.portfolio.checks).to.have.length(checks + 1);
    const partners = afterCheck.portfolio.partnerList.length;
    await partner('Nouvelle école', 'school', fx.a._id, 'identified');
    expect((await dashboard(all)).portfolio.partnerList).to.have.length(partners + 1);
  });

  it('shares an agreement read-only, when its owner creates a link, and stops at once when it is revoked', async () => {
    const agent = await signIn(app, fx.a);
    expect((await agent.get(`/agreements/${String(fx.a1)}`)).text, 'the agreement page leads to it').to.contain(
      `href="/agreements/${String(fx.a1)}/share"`,
    );
    const created = await postForm(agent, `/agreements/${String(fx.a1)}/share`, {}, `/agreements/${String(fx.a1)}/share`);
    expect(created.status).to.equal(201);
    const url = /\/shared\/([A-Za-z0-9_-]+)/.exec(created.text)![0];
    const link = await ShareLinkModel.findOne({ agreementId: fx.a1 }).lean();
    expect(link!.tokenHash).to.not.contain(url.split('/').pop());
    const anon = supertest(app);
    const shared = await anon.get(url);
    expect(shared.status).to.equal(200);
    expect(shared.headers['x-robots-tag']).to.contain('noindex');
    expect(shared.text).to.contain('Placer 40 jeunes').and.contain('Jeunes placés').and.contain('Rencontre de planification');
    expect(shared.text).to.not.contain('Rapport interne confidentiel').and.not.contain('10 000').and.not.contain('Centre communautaire');
    const other = await signIn(app, fx.b);
    expect((await postForm(other, `/agreements/${String(fx.a1)}/share`, {}, '/dashboard')).status).to.equal(403);
    await postForm(agent, `/agreements/${String(fx.a1)}/share/${String(link!._id)}/revoke`, {}, `/agreements/${String(fx.a1)}/share`);
    expect((await anon.get(url)).status).to.equal(404);
    expect((await anon.get('/shared/not-a-real-token-at-all-xyz')).status).to.equal(404);
  });
});

interface BlockLink {
  href: string;
  text: string;
  /** The number the link shows: its .dash-number, or else its whole text (spaces of thousands removed). */
  figure: string;
}

/** The links of each block of the dashboard page, by block id, in page order. */
function dashboardBlocks(html: string): Map<string, BlockLink[]> {
  const blocks = new Map<string, BlockLink[]>();
  for (const [, id, inner] of html.matchAll(/<section class="card dash-block" id="([^"]+)"[^>]*>([\s\S]*?)<\/section>/g)) {
    const links = [...inner!.matchAll(/<a\s[^>]*?href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map(([, href, content]) => {
      const text = content!
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim();
      const number = /class="dash-number"[^>]*>([^<]*)</.exec(content!)?.[1] ?? text;
      return { href: href!.replace(/&amp;/g, '&'), text, figure: number.replace(/[\s\u00a0\u202f]/g, '') };
    });
    blocks.set(id!, links);
  }
  return blocks;
}

async function csvText(agent: Agent, href: string): Promise<string> {
  const res = await agent
    .get(href)
    .buffer(true)
    .parse((r, cb) => {
      let s = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (s += c));
      r.on('end', () => cb(null, s));
    });
  expect(res.status, href).to.equal(200);
  return (res.body as string).replace(/^\uFEFF/, '');
}

function figure(html: string, name: string): string {
  const m = new RegExp(`data-figure="${name}"[^>]*>(?:<span class="dash-number">)?([^<]+)<`).exec(html);
  if (!m) throw new Error(`no figure ${name}`);
  return m[1]!.trim();
}

async function addPartners(ownerId: Types.ObjectId, n: number) {
  await PartnerModel.insertMany(
    Array.from({ length: n }, (_, i) => ({ name: `Bulk ${i}`, nameFolded: `bulk ${i}`, type: 'other', ownerId, stage: 'identified' })),
  );
}
