import { expect } from 'chai';
import type { Express } from 'express';
import { makeApp, createUser, signIn, postForm, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { PartnerModel } from '../../src/partners/model.js';
import { TaskModel } from '../../src/tasks/model.js';
import { AuditModel } from '../../src/audit/model.js';
import { ActionPlanTemplateModel } from '../../src/tasks/templates.js';
import { ReadinessAssessmentModel } from '../../src/readiness/model.js';
import { foldText } from '../../src/util/text.js';

async function partnerOf(owner: TestUser, name = 'Centre communautaire Élan') {
  const p = await PartnerModel.create({
    name,
    type: 'community',
    ownerId: owner._id,
    nameFolded: foldText(name),
    searchFolded: foldText(name),
  });
  return String(p._id);
}

describe('exploration, action plans, tasks and readiness', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
  });

  it('records the exploration (interest, goals, four requirements) with an audit entry on the timeline', async () => {
    const id = await partnerOf(pro);
    const res = await postForm(
      agent,
      `/partners/${id}/exploration`,
      {
        interestConfirmedAt: '2026-11-02',
        interestConfirmedBy: 'Julie Roy',
        interestHow: 'Phone call',
        sharedGoals: 'Youth employment',
        collaboration: 'Meeting rooms',
        workSchedules: 'Tuesdays',
        financialMechanisms: 'In kind',
        reporting: 'Quarterly report',
        successIndicators: '20 placements',
      },
      `/partners/${id}`,
    );
    expect(res.status).to.equal(302);
    const p = (await PartnerModel.findById(id).lean())!;
    expect(p.exploration.interestConfirmedAt!.toISOString().slice(0, 10)).to.equal('2026-11-02');
    expect(p.exploration.requirements!.successIndicators).to.equal('20 placements');
    const audit = await AuditModel.findOne({ entityId: p._id, action: 'exploration' }).lean();
    expect(audit!.changes.map((c) => c.field)).to.include.members(['sharedGoals', 'reporting']);
    const page = await agent.get(`/partners/${id}`);
    expect(page.text).to.contain('Exploration updated').and.contain('Quarterly report');
  });

  it('applies the D3 template in one click: tasks owned by the partner owner, due by offset, listed on my tasks', async () => {
    const id = await partnerOf(pro);
    const page = await agent.get(`/partners/${id}`);
    const templateId = /name="templateId"><option value="([a-f0-9]{24})"/.exec(page.text)![1]!;
    const before = Date.now();
    const res = await postForm(agent, `/partners/${id}/action-plan`, { templateId }, `/partners/${id}`);
    expect(res.status).to.equal(302);
    const tasks = await TaskModel.find({ partnerId: id }).sort({ dueDate: 1 }).lean();
    const template = (await ActionPlanTemplateModel.findById(templateId).lean())!;
    expect(tasks).to.have.length(template.items.length);
    expect(String(tasks[0]!.ownerId)).to.equal(String(pro._id));
    expect(tasks[0]!.source).to.equal('action_plan');
    const days = Math.round((tasks[0]!.dueDate!.getTime() - before) / 86_400_000);
    expect(days).to.equal(template.items[0]!.offsetDays);
    const mine = await agent.get('/tasks');
    expect(mine.text).to.contain(tasks[0]!.title.replace(/'/g, '&#39;'));
  });

  it('lists overdue tasks first on my tasks, and completes a task from there', async () => {
    const id = await partnerOf(pro);
    const day = 86_400_000;
    await TaskModel.create([
      { title: 'Later task', ownerId: pro._id, dueDate: new Date(Date.now() + 5 * day), partnerId: id },
      { title: 'Overdue task', ownerId: pro._id, dueDate: new Date(Date.now() - 3 * day), partnerId: id },
    ]);
    const page = await agent.get('/tasks');
    expect(page.text.indexOf('Overdue task')).to.be.greaterThan(-1);
    expect(page.text.indexOf('Overdue task')).to.be.lessThan(page.text.indexOf('Later task'));
    const overdue = (await TaskModel.findOne({ title: 'Overdue task' }).lean())!;
    const res = await postForm(agent, `/tasks/${String(overdue._id)}/status`, { status: 'done', back: '/tasks' }, '/tasks');
    expect(res.status).to.equal(302);
    const done = (await TaskModel.findById(overdue._id).lean())!;
    expect(done.status).to.equal('done');
    expect(done.completedAt).to.be.instanceOf(Date);
    const timeline = await agent.get(`/partners/${id}`);
    expect(timeline.text).to.contain('Task completed');
  });

  it("forbids a professional to add tasks or complete tasks on another's partner (403)", async () => {
    const other = await createUser({ role: 'professional' });
    const id = await partnerOf(other);
    const task = await TaskModel.create({ title: 'Theirs', ownerId: other._id, partnerId: id });
    const add = await postForm(agent, `/partners/${id}/tasks`, { title: 'Mine', ownerId: String(pro._id), dueDate: '' }, `/partners/${id}`);
    expect(add.status).to.equal(403);
    const upd = await postForm(agent, `/tasks/${String(task._id)}/status`, { status: 'done' }, '/tasks');
    expect(upd.status).to.equal(403);
    expect(await TaskModel.countDocuments({ partnerId: id })).to.equal(1);
  });

  it('lets only administrators edit templates, and refuses a malformed line', async () => {
    expect((await agent.get('/admin/action-plans')).status).to.equal(403);
    const admin = await createUser({ role: 'admin' });
    const a = await signIn(app, admin);
    const bad = await postForm(a, '/admin/action-plans', { name: 'Onboarding', items: 'soon | Call' }, '/admin/action-plans/new');
    expect(bad.status).to.equal(422);
    const ok = await postForm(a, '/admin/action-plans', { name: 'Onboarding', items: '0 | Call\n10 | Visit' }, '/admin/action-plans/new');
    expect(ok.status).to.equal(302);
    const t = (await ActionPlanTemplateModel.findOne({ name: 'Onboarding' }).lean())!;
    expect(t.items).to.deep.equal([
      { title: 'Call', offsetDays: 0 },
      { title: 'Visit', offsetDays: 10 },
    ]);
  });

  it('keeps readiness assessments over time and shows the latest with its trend; professionals cannot', async () => {
    expect((await agent.get('/readiness')).status).to.equal(403);
    const manager = await createUser({ role: 'manager', locale: 'en' });
    const m = await signIn(app, manager);
    const fill = (n: string) =>
      Object.fromEntries(
        ['leadership', 'staffCapacity', 'resources', 'clearGoals', 'templatesPolicies', 'evaluation'].flatMap((c) => [
          [`${c}Score`, n],
          [`${c}Comment`, ''],
        ]),
      ) as Record<string, string>;
    expect((await postForm(m, '/readiness', fill('2'), '/readiness')).status).to.equal(302);
    expect((await postForm(m, '/readiness', { ...fill('4'), evaluationScore: '9' }, '/readiness')).status).to.equal(422);
    expect((await postForm(m, '/readiness', fill('4'), '/readiness')).status).to.equal(302);
    expect(await ReadinessAssessmentModel.countDocuments({})).to.equal(2);
    const page = await m.get('/readiness');
    expect(page.text).to.contain('4 / 5').and.contain('improving');
  });
});
