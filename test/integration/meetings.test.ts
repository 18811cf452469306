import { expect } from 'chai';
import type { Express } from 'express';
import ICAL from 'ical.js';
import supertest from 'supertest';
import type { Types } from 'mongoose';
import { createUser, makeApp, postForm, signIn, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { AgreementModel, KpiMeasurementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { icsForMeeting } from '../../src/meetings/service.js';
import { PartnerModel } from '../../src/partners/model.js';
import { ProgressCheckModel } from '../../src/progress/model.js';
import { TaskModel } from '../../src/tasks/model.js';

async function makePartner(owner: TestUser) {
  return PartnerModel.create({
    name: 'Centre Horizon',
    nameFolded: 'centre horizon',
    type: 'community',
    ownerId: owner._id,
    contacts: [{ name: 'Léa Tremblay', email: 'lea@example.org' }],
  });
}

async function makeAgreement(owner: TestUser, partnerId: Types.ObjectId, extra: Record<string, unknown> = {}) {
  return AgreementModel.create({
    title: 'Entente Horizon',
    partnerIds: [partnerId],
    ownerId: owner._id,
    status: 'active',
    startDate: new Date('2026-01-01T05:00:00Z'),
    endDate: new Date('2027-01-01T05:00:00Z'),
    followUp: { checkFrequency: 'quarterly', meetingCadence: 'biweekly' },
    kpis: [
      { name: 'Participants placés', baseline: 0, target: 40, direction: 'increase' },
      { name: 'Heures de mentorat', baseline: 0, target: 200, direction: 'increase' },
    ],
    ...extra,
  });
}

const health = (v: [number, number, number, number, number]) => ({
  health_trust: String(v[0]),
  health_communication: String(v[1]),
  health_sharedGoals: String(v[2]),
  health_roles: String(v[3]),
  health_mutualBenefit: String(v[4]),
});

describe('meetings and series (HTTP)', () => {
  let app: Express;
  beforeEach(async () => {
    await clearDatabase();
    app = await makeApp();
  });

  it('a biweekly series, when scheduled through the form, then materializes occurrences at 09:00 local across the November change', async () => {
    const user = await createUser();
    const partner = await makePartner(user);
    const agent = await signIn(app, user);
    const res = await postForm(agent, '/meetings', {
      kind: 'planning',
      title: 'Rencontre de planification',
      partnerId: String(partner._id),
      agreementId: '',
      date: '2026-10-20',
      time: '09:00',
      durationMinutes: '60',
      zone: 'America/Toronto',
      cadence: 'biweekly',
      monthlyMode: 'date',
      endMode: 'count',
      count: '4',
      [`user_${String(user._id)}`]: 'on',
      [`contact_${String(partner.contacts[0]!._id)}`]: 'on',
    });
    expect(res.status).to.equal(302);
    const occ = await MeetingModel.find({ partnerId: partner._id }).sort({ start: 1 }).lean();
    expect(occ.map((o) => o.start.toISOString())).to.deep.equal([
      '2026-10-20T13:00:00.000Z',
      '2026-11-03T14:00:00.000Z',
      '2026-11-17T14:00:00.000Z',
      '2026-12-01T14:00:00.000Z',
    ]);
    expect(occ[0]!.attendees.map((a) => a.name)).to.include('Léa Tremblay');
    expect(res.headers.location).to.equal(`/meetings/${String(occ[0]!._id)}`);
  });

  it('a meeting form with a missing title and a bad count, when posted, then re-renders with 422 and keeps the values', async () => {
    const user = await createUser();
    const partner = await makePartner(user);
    const agent = await signIn(app, user);
    const res = await postForm(agent, '/meetings', {
      kind: 'planning',
      title: '',
      partnerId: String(partner._id),
      date: '2026-10-20',
      time: '09:00',
      durationMinutes: '60',
      zone: 'America/Toronto',
      cadence: 'weekly',
      endMode: 'count',
      count: '0',
      location: 'Salle Boréale',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Salle Boréale');
    expect(await MeetingModel.countDocuments()).to.equal(0);
  });

  it('an occurrence moved and another cancelled, when the series .ics is fetched, then ical.js sees the override and the EXDATE', async () => {
    const user = await createUser();
    const partner = await makePartner(user);
    const agent = await signIn(app, user);
    await postForm(agent, '/meetings', {
      kind: 'planning',
      title: 'Série',
      partnerId: String(partner._id),
      date: '2026-03-02',
      time: '09:00',
      durationMinutes: '60',
      zone: 'America/Toronto',
      cadence: 'weekly',
      endMode: 'count',
      count: '4',
    });
    const occ = await MeetingModel.find({ partnerId: partner._id }).sort({ start: 1 }).lean();
    const moved = await postForm(agent, `/meetings/${String(occ[1]!._id)}/occurrence`, {
      rev: '0',
      title: 'Série',
      date: '2026-03-10',
      time: '14:00',
      durationMinutes: '60',
      scope: 'one',
    });
    expect(moved.status).to.equal(302);
    await postForm(agent, `/meetings/${String(occ[2]!._id)}/cancel`, {});
    const after = await MeetingModel.find({ partnerId: partner._id }).sort({ originalStart: 1 }).lean();
    expect(after.map((o) => [o.moved, o.cancelled])).to.deep.equal([
      [false, false],
      [true, false],
      [false, true],
      [false, false],
    ]);
    expect(after[0]!.start.toISOString()).to.equal(occ[0]!.start.toISOString()); // the series is untouched
    const ics = await agent.get(`/meetings/${String(occ[0]!._id)}.ics`);
    expect(ics.status).to.equal(200);
    expect(ics.headers['content-type']).to.match(/text\/calendar/);
    const comp = new ICAL.Component(ICAL.parse(ics.text));
    for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
    const events = comp.getAllSubcomponents('vevent');
    const master = new ICAL.Event(events.find((e) => !e.hasProperty('recurrence-id')));
    for (const e of events.filter((x) => x.hasProperty('recurrence-id'))) master.relateException(e);
    const it = master.iterator();
    const starts: string[] = [];
    for (let n = it.next(); n; n = it.next())
      starts.push((master.getOccurrenceDetails(n) as { startDate: ICAL.Time }).startDate.toJSDate().toISOString());
    expect(starts).to.deep.equal(['2026-03-02T14:00:00.000Z', '2026-03-10T18:00:00.000Z', '2026-03-23T13:00:00.000Z']);
  });

  it('minutes and an action item on the third occurrence, when saved, then only that occurrence has them and the task links back', async () => {
    const user = await createUser();
    const partner = await makePartner(user);
    const agent = await signIn(app, user);
    await postForm(agent, '/meetings', {
      kind: 'planning',
      title: 'Série',
      partnerId: String(partner._id),
      date: '2026-03-02',
      time: '09:00',
      durationMinutes: '60',
      zone: 'America/Toronto',
      cadence: 'biweekly',
      endMode: 'until',
      untilDate: '2026-05-01',
    });
    const occ = await MeetingModel.find({ partnerId: partner._id }).sort({ start: 1 }).lean();
    expect(occ).to.have.length(5);
    const third = occ[2]!;
    await postForm(agent, `/meetings/${String(third._id)}/minutes`, {
      agenda: 'A',
      minutes: 'Nous avons convenu…',
      decisions: 'Go',
      rev: '0',
    });
    await postForm(agent, `/meetings/${String(third._id)}/action-items`, {
      itemTitle: 'Envoyer le rapport',
      itemOwnerId: String(user._id),
      itemDueDate: '2026-04-01',
    });
    const withMinutes = await MeetingModel.find({ partnerId: partner._id, minutes: { $ne: '' } }).lean();
    expect(withMinutes.map((m) => String(m._id))).to.deep.equal([String(third._id)]);
    const task = await TaskModel.findOne({ meetingId: third._id }).lean();
    expect(task?.source).to.equal('meeting');
    expect(String(task?.partnerId)).to.equal(String(partner._id));
    const page = await agent.get(`/meetings/${String(third._id)}`);
    expect(page.text).to.contain('Envoyer le rapport');
  });

  it('editing a series from an occurrence onward, when saved, then earlier occurrences keep their time and later ones move', async () => {
    const user = await createUser();
    const partner = await makePartner(user);
    const agent = await signIn(app, user);
    await postForm(agent, '/meetings', {
      kind: 'planning',
      title: 'Série',
      partnerId: String(partner._id),
      date: '2026-03-02',
      time: '09:00',
      durationMinutes: '60',
      zone: 'America/Toronto',
      cadence: 'weekly',
      endMode: 'count',
      count: '4',
    });
    const occ = await MeetingModel.find({ partnerId: partner._id }).sort({ start: 1 }).lean();
    await postForm(agent, `/meetings/${String(occ[3]!._id)}/minutes`, {
      agenda: '',
      minutes: 'Notes écrites à l’avance',
      decisions: '',
      rev: '0',
    });
    await postForm(agent, `/meetings/${String(occ[3]!._id)}/action-items`, {
      itemTitle: 'Préparer',
      itemOwnerId: String(user._id),
      itemDueDate: '',
    });
    await postForm(agent, `/meetings/${String(occ[2]!._id)}/occurrence`, {
      rev: '0',
      title: 'Série (après-midi)',
      date: '2026-03-16',
      time: '13:00',
      durationMinutes: '90',
      scope: 'following',
    });
    const live = await MeetingModel.find({ partnerId: partner._id, archived: false }).sort({ start: 1 }).lean();
    expect(live.map((m) => m.start.toISOString())).to.deep.equal([
      '2026-03-02T14:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
      '2026-03-16T17:00:00.000Z',
      '2026-03-23T17:00:00.000Z',
    ]);
    expect(live[3]!.title).to.equal('Série (après-midi)');
    expect(live[3]!.minutes).to.equal('Notes écrites à l’avance'); // carried over to the replacing occurrence
    expect(String((await TaskModel.findOne({ title: 'Préparer' }).lean())?.meetingId)).to.equal(String(live[3]!._id));
  });

  it('another professional, when changing a meeting they are not part of, then gets 403', async () => {
    const owner = await createUser();
    const other = await createUser();
    const partner = await makePartner(owner);
    const ownerAgent = await signIn(app, owner);
    await postForm(ownerAgent, '/meetings', {
      kind: 'exploration',
      title: 'Exploration',
      partnerId: String(partner._id),
      date: '2026-03-02',
      time: '09:00',
      durationMinutes: '60',
      zone: 'America/Toronto',
      cadence: 'none',
    });
    const m = (await MeetingModel.findOne({ partnerId: partner._id }).lean())!;
    const otherAgent = await signIn(app, other);
    expect((await otherAgent.get(`/meetings/${String(m._id)}`)).status).to.equal(200); // everyone reads
    const res = await postForm(otherAgent, `/meetings/${String(m._id)}/minutes`, { agenda: '', minutes: 'x', decisions: '', rev: '0' });
    expect(res.status).to.equal(403);
    const manager = await createUser({ role: 'manager' });
    const managerAgent = await signIn(app, manager);
    expect((await postForm(managerAgent, `/meetings/${String(m._id)}/cancel`, {})).status).to.equal(302);
  });

  it('a new meeting on an agreement, when the form opens, then defaults to the cadence and lists open items and recent KPI values', async () => {
    const user = await createUser();
    const partner = await makePartner(user);
    const agreement = await makeAgreement(user, partner._id);
    await TaskModel.create({ title: 'Relancer le conseil', ownerId: user._id, agreementId: agreement._id, partnerId: partner._id });
    await KpiMeasurementModel.create({
      agreementId: agreement._id,
      kpiId: agreement.kpis[0]!._id,
      value: 12,
      periodEnd: new Date('2026-03-31T04:00:00Z'),
    });
    const agent = await signIn(app, user);
    const res = await agent.get(`/meetings/new?agreementId=${String(agreement._id)}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/<option value="biweekly"\s+selected/);
    expect(res.text).to.contain('Relancer le conseil');
    expect(res.text).to.contain('Participants placés: 12');
  });

  it('a later occurrence of a series on an agreement, when opened, then suggests an agenda with open items and KPI values since the previous occurrence', async () => {
    const user = await createUser();
    const partner = await makePartner(user);
    const agreement = await makeAgreement(user, partner._id);
    const agent = await signIn(app, user);
    await postForm(agent, '/meetings', {
      kind: 'planning',
      title: 'Série',
      partnerId: String(partner._id),
      agreementId: String(agreement._id),
      date: '2025-01-06',
      time: '09:00',
      durationMinutes: '60',
      zone: 'America/Toronto',
      cadence: 'weekly',
      endMode: 'count',
      count: '3',
      agenda: 'Premier ordre du jour',
    });
    const occ = await MeetingModel.find({ agreementId: agreement._id }).sort({ start: 1 }).lean();
    expect(occ.map((o) => o.agenda)).to.deep.equal(['Premier ordre du jour', '', '']);
    await TaskModel.create({ title: 'Appeler la direction', ownerId: user._id, agreementId: agreement._id, partnerId: partner._id });
    await KpiMeasurementModel.create({
      agreementId: agreement._id,
      kpiId: agreement.kpis[1]!._id,
      value: 30,
      periodEnd: new Date('2025-01-10T05:00:00Z'),
    });
    const page = await agent.get(`/meetings/${String(occ[1]!._id)}`);
    expect(page.text).to.contain('Appeler la direction');
    expect(page.text).to.contain('Heures de mentorat: 30');
    expect(page.text).to.contain('Suggested agenda');
    const first = await agent.get(`/meetings/${String(occ[0]!._id)}`);
    expect(first.text).to.contain('Premier ordre du jour');
    expect(first.text).not.to.contain('Suggested agenda');
  });
});

describe('invitations as .ics (service)', () => {
  beforeEach(clearDatabase);

  it('a meeting with a partner contact, when exported as REQUEST then CANCEL, then ical.js reads organizer, attendee, method and status', async () => {
    const owner = await createUser({ name: 'Olive Org' });
    const partner = await makePartner(owner);
    const m = await MeetingModel.create({
      title: 'Invitation',
      partnerId: partner._id,
      ownerId: owner._id,
      start: new Date('2026-06-01T13:00:00Z'),
      end: new Date('2026-06-01T14:00:00Z'),
      zone: 'America/Toronto',
      attendees: [{ contactId: partner.contacts[0]!._id, name: 'Léa Tremblay', email: 'lea@example.org' }],
    });
    const request = new ICAL.Component(ICAL.parse(await icsForMeeting(m._id, 'REQUEST')));
    expect(request.getFirstPropertyValue('method')).to.equal('REQUEST');
    const ev = request.getFirstSubcomponent('vevent')!;
    expect(String(ev.getFirstPropertyValue('organizer')).toLowerCase()).to.equal(`mailto:${owner.email}`);
    expect(ev.getAllProperties('attendee').map((a) => String(a.getFirstValue()).toLowerCase())).to.deep.equal(['mailto:lea@example.org']);
    const cancel = new ICAL.Component(ICAL.parse(await icsForMeeting(m._id, 'CANCEL')));
    expect(cancel.getFirstPropertyValue('method')).to.equal('CANCEL');
    expect(cancel.getFirstSubcomponent('vevent')!.getFirstPropertyValue('status')).to.equal('CANCELLED');
    expect(cancel.getFirstSubcomponent('vevent')!.getFirstPropertyValue('uid')).to.equal(ev.getFirstPropertyValue('uid'));
  });
});

describe('calendar views and feed (HTTP)', () => {
  let app: Express;
  beforeEach(async () => {
    await clearDatabase();
    app = await makeApp();
  });

  it('the month view and the agenda list, when a meeting is this month, then show it; "mine" hides others\' meetings', async () => {
    const me = await createUser();
    const other = await createUser();
    const partner = await makePartner(me);
    const soon = new Date(Date.now() + 2 * 86400_000);
    await MeetingModel.create({
      title: 'La mienne',
      partnerId: partner._id,
      ownerId: me._id,
      start: soon,
      end: soon,
      zone: 'America/Toronto',
    });
    await MeetingModel.create({
      title: 'Une autre',
      partnerId: partner._id,
      ownerId: other._id,
      start: soon,
      end: soon,
      zone: 'America/Toronto',
    });
    const agent = await signIn(app, me);
    const mine = await agent.get('/meetings?scope=mine');
    expect(mine.text).to.contain('La mienne');
    expect(mine.text).not.to.contain('Une autre');
    const all = await agent.get('/meetings?scope=all');
    expect(all.text).to.contain('Une autre');
    const month = soon.toISOString().slice(0, 7);
    const cal = await agent.get(`/meetings/calendar?month=${month}&scope=mine`);
    expect(cal.status).to.equal(200);
    expect(cal.text).to.contain('La mienne');
  });

  it('a feed token, when created, then serves my meetings; wrong or revoked tokens answer 404', async () => {
    const me = await createUser();
    const partner = await makePartner(me);
    await MeetingModel.create({
      title: 'Dans mon flux',
      partnerId: partner._id,
      ownerId: me._id,
      start: new Date(),
      end: new Date(),
      zone: 'America/Toronto',
    });
    const agent = await signIn(app, me);
    const created = await postForm(agent, '/calendar/feed', {}, '/profile');
    const url = /value="(https?:\/\/[^"]+\/calendar\/feed\/[^"]+\.ics)"/.exec(created.text)?.[1];
    expect(url).to.be.a('string');
    const path = new URL(url!).pathname;
    const anon = supertest(app);
    const feed = await anon.get(path);
    expect(feed.status).to.equal(200);
    expect(feed.text).to.contain('SUMMARY:Dans mon flux');
    expect((await anon.get('/calendar/feed/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics')).status).to.equal(404);
    expect((await agent.get('/profile')).text).to.contain('/calendar/feed/revoke');
    await postForm(agent, '/calendar/feed/revoke', {}, '/profile');
    expect((await anon.get(path)).status).to.equal(404);
  });
});

describe('progress checks and partnership health (HTTP)', () => {
  let app: Express;
  beforeEach(async () => {
    await clearDatabase();
    app = await makeApp();
  });

  const checkForm = (
    agreement: Awaited<ReturnType<typeof makeAgreement>>,
    end: string,
    h: [number, number, number, number, number],
    values: [string, string],
  ) => ({
    periodStart: '2026-01-01',
    periodEnd: end,
    status: 'at_risk',
    progress: 'Bon départ',
    challenges: 'Recrutement',
    supportNeeded: '',
    nextSteps: 'Relancer les employeurs\nPréparer le bilan',
    nextStepsDue: '2026-05-01',
    [`kpi_${String(agreement.kpis[0]!._id)}`]: values[0],
    [`kpi_${String(agreement.kpis[1]!._id)}`]: values[1],
    ...health(h),
  });

  it('a check with two KPI values, when recorded, then the values join the KPI history, next steps become tasks and the next check is due a quarter later', async () => {
    const user = await createUser();
    const partner = await makePartner(user);
    const agreement = await makeAgreement(user, partner._id);
    const agent = await signIn(app, user);
    const res = await postForm(
      agent,
      `/agreements/${String(agreement._id)}/progress`,
      checkForm(agreement, '2026-03-31', [4, 4, 3, 2, 4], ['10', '55.5']), // an English user: a decimal point
    );
    expect(res.status).to.equal(302);
    const check = (await ProgressCheckModel.findOne({ agreementId: agreement._id }).lean())!;
    expect(check.healthScore).to.equal(17);
    const history = await KpiMeasurementModel.find({ agreementId: agreement._id, progressCheckId: check._id }).sort({ value: 1 }).lean();
    expect(history.map((h) => h.value)).to.deep.equal([10, 55.5]);
    const fresh = (await AgreementModel.findById(agreement._id).lean())!;
    expect(fresh.kpis[0]!.latestValue).to.equal(10);
    expect(fresh.followUp!.nextCheckDue!.toISOString().slice(0, 10)).to.equal('2026-07-01'); // 31 Mar 23:59 EDT + 3 months
    expect(await TaskModel.countDocuments({ progressCheckId: check._id, source: 'progress_check' })).to.equal(2);
    const page = await agent.get(res.headers.location!);
    expect(page.text).to.contain('17/25');
    expect(page.text).to.contain('Developing');
  });

  it('a rating outside 1–5 or a non-numeric KPI value, when posted, then 422 and nothing is recorded', async () => {
    const user = await createUser();
    const partner = await makePartner(user);
    const agreement = await makeAgreement(user, partner._id);
    const agent = await signIn(app, user);
    const res = await postForm(
      agent,
      `/agreements/${String(agreement._id)}/progress`,
      checkForm(agreement, '2026-03-31', [6, 4, 3, 2, 4], ['abc', '']),
    );
    expect(res.status).to.equal(422);
    expect(await ProgressCheckModel.countDocuments()).to.equal(0);
    expect(await KpiMeasurementModel.countDocuments()).to.equal(0);
  });

  it('three checks, when the health page is shown, then it lists the trend, the band and the weakest dimension (roles)', async () => {
    const user = await createUser();
    const partner = await makePartner(user);
    const agreement = await makeAgreement(user, partner._id);
    const agent = await signIn(app, user);
    await postForm(agent, `/agreements/${String(agreement._id)}/progress`, checkForm(agreement, '2026-03-31', [2, 2, 2, 1, 3], ['1', '2']));
    await postForm(agent, `/agreements/${String(agreement._id)}/progress`, checkForm(agreement, '2026-06-30', [4, 3, 3, 2, 3], ['3', '4']));
    await postForm(agent, `/agreements/${String(agreement._id)}/progress`, checkForm(agreement, '2026-09-30', [5, 4, 4, 2, 5], ['5', '6']));
    const page = await agent.get(`/agreements/${String(agreement._id)}/health`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('20/25');
    expect(page.text).to.contain('Strong');
    expect(page.text).to.match(/Health score over the checks: 10, 15, 20/);
    expect(page.text).to.match(/class="health-weak"><th scope="row">Clarity of roles/);
    expect(await KpiMeasurementModel.countDocuments({ agreementId: agreement._id })).to.equal(6);
  });

  it('a professional outside the agreement team, when recording a check, then gets 403; an overdue check shows on the home page', async () => {
    const owner = await createUser();
    const outsider = await createUser();
    const partner = await makePartner(owner);
    const agreement = await makeAgreement(owner, partner._id, {
      followUp: { checkFrequency: 'quarterly', nextCheckDue: new Date(Date.now() - 86400_000) },
    });
    const outsiderAgent = await signIn(app, outsider);
    const res = await postForm(
      outsiderAgent,
      `/agreements/${String(agreement._id)}/progress`,
      checkForm(agreement, '2026-03-31', [3, 3, 3, 3, 3], ['', '']),
    );
    expect(res.status).to.equal(403);
    const ownerAgent = await signIn(app, owner);
    const home = await ownerAgent.get('/');
    expect(home.text).to.contain('Entente Horizon');
    expect(home.text).to.contain('Overdue');
    expect((await outsiderAgent.get('/')).text).not.to.contain('Entente Horizon');
  });
});
