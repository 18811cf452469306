import { expect } from 'chai';
import type { Express } from 'express';
import { createUser, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { AgreementModel, KpiMeasurementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { TaskModel } from '../../src/tasks/model.js';
import { InteractionModel } from '../../src/partners/interactions.model.js';
import { parseFormNumber } from '../../src/http/validate.js';

// Dates that do not exist, times a clock change skips, numbers written in other notations, series
// longer than the limit: each is refused with a message that says what is wrong, nothing is saved
// behind the user's back (30 February is not 2 March, 0x10 is not 16, 200 is not 105).

describe('strict dates, times and numbers in forms', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;

  beforeEach(async () => {
    app ??= await makeApp();
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
  });

  const basics = (leadPartnerId: string, extra: Record<string, string> = {}) => ({
    title: 'Strict',
    leadPartnerId,
    kind: 'memorandum',
    language: 'en',
    ownerId: String(pro._id),
    startDate: '',
    endDate: '',
    renewalNoticeDays: '60',
    ...extra,
  });

  const meeting = (partnerId: string, extra: Record<string, string> = {}) => ({
    kind: 'planning',
    title: 'Strict meeting',
    partnerId,
    date: '2027-04-06',
    time: '10:00',
    durationMinutes: '60',
    zone: 'America/Toronto',
    cadence: 'none',
    ...extra,
  });

  it('an agreement starting on 30 February is refused as a date, and nothing is drafted', async () => {
    const lead = String(await makePartner(pro, 'Centre'));
    const res = await postForm(agent, '/agreements', basics(lead, { startDate: '2026-02-30' }), '/agreements/new');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('This date does not exist in the calendar.').and.contain('value="2026-02-30"');
    expect(await AgreementModel.countDocuments({})).to.equal(0);
  });

  it('a KPI measurement for a period ending 30 February, or with the value 0x10, is refused and not recorded', async () => {
    const a = await fullAgreement(pro, [await makePartner(pro, 'Centre')]);
    const url = `/agreements/${String(a._id)}/kpis/${String(a.kpis[0]!._id)}/measurements`;
    for (const fields of [
      { value: '12', periodStart: '', periodEnd: '2026-02-30' },
      { value: '0x10', periodStart: '', periodEnd: '2026-02-27' },
    ]) {
      const res = await postForm(agent, url, { ...fields, comment: '' }, `/agreements/${String(a._id)}`);
      expect(res.status, JSON.stringify(fields)).to.equal(302);
    }
    expect(await KpiMeasurementModel.countDocuments({})).to.equal(0);
  });

  it('a task due on 30 February is refused, not filed under 2 March; an interaction dated 30 February likewise', async () => {
    const partnerId = String(await makePartner(pro, 'Centre'));
    await postForm(agent, '/tasks', { title: 'Call back', ownerId: String(pro._id), dueDate: '2026-02-30', partnerId: '' }, '/tasks');
    expect(await TaskModel.countDocuments({})).to.equal(0);
    const res = await postForm(
      agent,
      `/partners/${partnerId}/interactions`,
      { kind: 'call', date: '2026-02-30', summary: 'Called' },
      `/partners/${partnerId}`,
    );
    expect((await agent.get(String(res.headers.location))).text).to.contain('This date does not exist in the calendar.');
    expect(await InteractionModel.countDocuments({})).to.equal(0);
  });

  it('a meeting on 30 February is told the date does not exist (not a daylight-saving message); nothing is scheduled', async () => {
    const p = String(await makePartner(pro, 'Centre'));
    const res = await postForm(agent, '/meetings', meeting(p, { date: '2026-02-30' }), '/meetings/new');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('This date does not exist').and.not.contain('daylight saving');
    expect(await MeetingModel.countDocuments({})).to.equal(0);
  });

  it('02:30 on the spring-forward day is not moved silently: the form asks to confirm 03:30, and only then schedules it', async () => {
    const p = String(await makePartner(pro, 'Centre'));
    const fields = meeting(p, { date: '2027-03-14', time: '02:30' });
    const asked = await postForm(agent, '/meetings', fields, '/meetings/new');
    expect(asked.status).to.equal(422);
    expect(asked.text).to.contain('02:30 does not exist on 2027-03-14 in America/Toronto').and.contain('03:30');
    expect(asked.text).to.contain('value="Strict meeting"');
    expect(await MeetingModel.countDocuments({})).to.equal(0);
    const confirmed = await postForm(agent, '/meetings', { ...fields, confirmShiftedTime: '03:30' }, '/meetings/new');
    expect(confirmed.status).to.equal(302);
    const m = (await MeetingModel.findOne({}).lean())!;
    expect(m.start.toISOString()).to.equal('2027-03-14T07:30:00.000Z'); // 03:30 EDT
  });

  it('moving a meeting to 02:30 on the spring-forward day asks the same confirmation; the meeting stays where it was', async () => {
    const p = String(await makePartner(pro, 'Centre'));
    await postForm(agent, '/meetings', meeting(p), '/meetings/new');
    const m = (await MeetingModel.findOne({}).lean())!;
    const from = `/meetings/${String(m._id)}`;
    const fields = {
      title: 'Moved',
      date: '2027-03-14',
      time: '02:30',
      durationMinutes: '60',
      location: '',
      videoUrl: '',
      scope: 'one',
      rev: '0',
    };
    const asked = await postForm(agent, `${from}/occurrence`, fields, from);
    expect(asked.status).to.equal(422);
    expect(asked.text)
      .to.contain('02:30 does not exist on 2027-03-14 in America/Toronto')
      .and.contain('name="confirmShiftedTime" value="03:30"');
    expect((await MeetingModel.findById(m._id).lean())!.start.getTime()).to.equal(m.start.getTime());
    const confirmed = await postForm(agent, `${from}/occurrence`, { ...fields, confirmShiftedTime: '03:30' }, from);
    expect(confirmed.status).to.equal(302);
    expect((await MeetingModel.findById(m._id).lean())!.start.toISOString()).to.equal('2027-03-14T07:30:00.000Z');
  });

  it('0x10, 1e1 or 16abc as a duration or a notice period is refused, never stored as 16 or 10', async () => {
    const p = String(await makePartner(pro, 'Centre'));
    for (const bad of ['0x10', '1e1', '16abc', 'Infinity']) {
      const m = await postForm(agent, '/meetings', meeting(p, { durationMinutes: bad }), '/meetings/new');
      expect(m.status, bad).to.equal(422);
      const a = await postForm(agent, '/agreements', basics(p, { renewalNoticeDays: bad }), '/agreements/new');
      expect(a.status, bad).to.equal(422);
    }
    expect(await MeetingModel.countDocuments({})).to.equal(0);
    expect(await AgreementModel.countDocuments({})).to.equal(0);
  });

  it('the one number parser takes digits with one decimal point or comma, and nothing else', () => {
    expect(['16', ' 16 ', '-3', '2.5', '2,5', '0.75'].map(parseFormNumber)).to.deep.equal([16, 16, -3, 2.5, 2.5, 0.75]);
    for (const bad of ['0x10', '0b1', '0o7', '1e3', 'Infinity', 'NaN', '', ' ', '1 000', '1,000.5', '16abc', '+-1'])
      expect(parseFormNumber(bad), bad).to.equal(null);
  });

  it('a weekly series of 200 meetings has 200 occurrences; one ending past the limit is refused with the limit named', async () => {
    const p = String(await makePartner(pro, 'Centre'));
    const res = await postForm(agent, '/meetings', meeting(p, { cadence: 'weekly', endMode: 'count', count: '200' }), '/meetings/new');
    expect(res.status).to.equal(302);
    expect(await MeetingModel.countDocuments({})).to.equal(200);
    await MeetingModel.deleteMany({});
    const long = await postForm(
      agent,
      '/meetings',
      meeting(p, { cadence: 'weekly', endMode: 'until', untilDate: '2035-12-31' }),
      '/meetings/new',
    );
    expect(long.status).to.equal(422);
    expect(long.text).to.contain('at most 200 meetings');
    expect(await MeetingModel.countDocuments({})).to.equal(0);
  });
});
