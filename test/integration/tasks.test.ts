import { expect } from 'chai';
import type { Express } from 'express';
import { makeApp, createUser, signIn, postForm, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { PartnerModel } from '../../src/partners/model.js';
import { TaskModel } from '../../src/tasks/model.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { UserModel } from '../../src/users/model.js';
import { TaskTemplateModel } from '../../src/tasks/templates.model.js';

describe('tasks, action plans and exploration', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;
  let partnerId: string;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
    partnerId = String(
      (await PartnerModel.create({ name: 'Maison des jeunes', nameFolded: 'maison des jeunes', type: 'community', ownerId: pro._id }))._id,
    );
  });

  it('lists my open tasks with the overdue ones first, and marks one done', async () => {
    const day = 86400_000;
    await TaskModel.insertMany([
      { title: 'Later task', ownerId: pro._id, dueDate: new Date(Date.now() + 5 * day) },
      { title: 'Late task', ownerId: pro._id, dueDate: new Date(Date.now() - 2 * day) },
      { title: 'Undated task', ownerId: pro._id },
      { title: 'Someone else’s', ownerId: (await createUser())._id, dueDate: new Date(Date.now() - day) },
    ]);
    const page = (await agent.get('/tasks')).text;
    expect(page.indexOf('Late task')).to.be.lessThan(page.indexOf('Later task'));
    expect(page.indexOf('Later task')).to.be.lessThan(page.indexOf('Undated task'));
    expect(page).to.not.contain('Someone else’s');
    const overdue = (await agent.get('/tasks?overdue=1')).text;
    expect(overdue).to.contain('Late task').and.not.contain('Later task');
    const late = await TaskModel.findOne({ title: 'Late task' }).lean();
    await postForm(agent, `/tasks/${String(late!._id)}/status`, { status: 'done' }, '/tasks');
    const after = await TaskModel.findById(late!._id).lean();
    expect(after!.status).to.equal('done');
    expect(after!.completedAt).to.be.instanceOf(Date);
  });

  it('names what each of my tasks is about, when it comes from a partner, an agreement or a meeting, with a link to it', async () => {
    const agreement = await AgreementModel.create({
      title: 'Entente Maison des jeunes',
      partnerIds: [partnerId],
      ownerId: pro._id,
      status: 'active',
    });
    const start = new Date(Date.now() + 86400_000);
    const meeting = await MeetingModel.create({
      title: 'Rencontre de lancement',
      partnerId,
      ownerId: pro._id,
      start,
      end: new Date(start.getTime() + 3600_000),
      zone: 'America/Toronto',
    });
    await TaskModel.insertMany([
      { title: 'Call the director', ownerId: pro._id, partnerId, source: 'action_plan' },
      { title: 'Send the report', ownerId: pro._id, agreementId: agreement._id, source: 'progress_check' },
      { title: 'Book the room', ownerId: pro._id, meetingId: meeting._id, partnerId, source: 'meeting' },
      { title: 'Old call', ownerId: pro._id, partnerId, status: 'done', completedAt: new Date() },
    ]);
    const rowOf = (html: string, title: string) => {
      const row = html.split('<tr').find((r) => r.includes(title))!;
      return row.replace(/[ \t\r\n]+/g, ' '); // narrow no-break spaces kept
    };
    const page = (await agent.get('/tasks')).text;
    expect(rowOf(page, 'Call the director')).to.contain(`<a href="/partners/${partnerId}">Maison des jeunes</a>`);
    expect(rowOf(page, 'Send the report')).to.contain(`<a href="/agreements/${String(agreement._id)}">Entente Maison des jeunes</a>`);
    expect(rowOf(page, 'Book the room'))
      .to.contain(`<a href="/meetings/${String(meeting._id)}">Rencontre de lancement</a>`)
      .and.contain(`<a href="/partners/${partnerId}">Maison des jeunes</a>`);
    expect(rowOf(page, 'Old call')).to.contain('Maison des jeunes');
    expect(page).to.not.match(/>Partner<\/a>/);
    await UserModel.updateOne({ _id: pro._id }, { $set: { locale: 'fr' } });
    const fr = (await (await signIn(app, pro)).get('/tasks')).text;
    expect(rowOf(fr, 'Send the report')).to.contain('Entente\u202f:').and.contain('Entente Maison des jeunes');
    expect(rowOf(fr, 'Call the director')).to.contain('Partenaire\u202f:');
  });

  it('adds a task to a partner action plan, refuses one without a title', async () => {
    await postForm(
      agent,
      '/tasks',
      { title: 'Call the director', ownerId: String(pro._id), dueDate: '2026-12-01', partnerId, returnTo: `/partners/${partnerId}` },
      `/partners/${partnerId}`,
    );
    await postForm(agent, '/tasks', { title: '  ', ownerId: String(pro._id), dueDate: '', partnerId }, `/partners/${partnerId}`);
    const tasks = await TaskModel.find({ partnerId }).lean();
    expect(tasks.map((t) => [t.title, t.source])).to.deep.equal([['Call the director', 'action_plan']]);
    expect((await agent.get(`/partners/${partnerId}`)).text).to.contain('Call the director');
  });

  it('lets an administrator define a template that a user applies in one click, with due-date offsets', async () => {
    const admin = await createUser({ role: 'admin', locale: 'en' });
    const aAgent = await signIn(app, admin);
    const bad = await postForm(aAgent, '/admin/task-templates', { name: 'D3', lines: 'no pipe here' }, '/admin/task-templates');
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Each line must read');
    expect(await TaskTemplateModel.countDocuments({})).to.equal(0);
    await postForm(
      aAgent,
      '/admin/task-templates',
      { name: 'D3 steps', lines: '0 | Confirm interest\n7 | Define shared goals' },
      '/admin/task-templates',
    );
    const template = await TaskTemplateModel.findOne({}).lean();
    expect((await postForm(agent, '/admin/task-templates', { name: 'x', lines: '1 | y' }, '/tasks')).status).to.equal(403);
    await postForm(agent, `/partners/${partnerId}/apply-template`, { templateId: String(template!._id) }, `/partners/${partnerId}`);
    const tasks = await TaskModel.find({ partnerId }).sort({ dueDate: 1 }).lean();
    expect(tasks.map((t) => t.title)).to.deep.equal(['Confirm interest', 'Define shared goals']);
    const gap = Math.round((tasks[1]!.dueDate!.getTime() - tasks[0]!.dueDate!.getTime()) / 86400_000);
    expect(gap).to.equal(7);
  });

  it('records the exploration (interest, goals, four requirements) and shows it on the partner page', async () => {
    const res = await postForm(
      agent,
      `/partners/${partnerId}/exploration`,
      {
        interestConfirmedAt: '2026-11-02',
        interestConfirmedBy: 'Director',
        interestHow: 'Phone call',
        sharedGoals: 'Youth employment',
        collaboration: 'Share rooms',
        workSchedules: 'Evenings',
        financialMechanisms: 'In kind',
        reporting: 'Quarterly',
        successIndicators: 'Placements',
        rev: String((await PartnerModel.findById(partnerId).lean())!.rev),
      },
      `/partners/${partnerId}`,
    );
    expect(res.status).to.equal(302);
    const p = await PartnerModel.findById(partnerId).lean();
    expect(p!.exploration.sharedGoals).to.equal('Youth employment');
    expect(p!.exploration.requirements!.successIndicators).to.equal('Placements');
    expect((await agent.get(`/partners/${partnerId}`)).text)
      .to.contain('Youth employment')
      .and.contain('Exploration updated');
    const bad = await postForm(
      agent,
      `/partners/${partnerId}/exploration`,
      { interestConfirmedAt: 'yesterday', sharedGoals: 'Changed' },
      `/partners/${partnerId}`,
    );
    expect(bad.status).to.equal(302);
    expect((await PartnerModel.findById(partnerId).lean())!.exploration.sharedGoals).to.equal('Youth employment');
  });
});
