import { expect } from 'chai';
import { Types } from 'mongoose';
import { connectTestDatabase, clearDatabase } from '../helpers/db.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { AuditModel } from '../../src/audit/model.js';
import { expireEndedAgreements } from '../../src/agreements/service.js';
import { runJob, startScheduler, validateSchedules } from '../../src/scheduler.js';
import { healthReport } from '../../src/health.js';

describe('scheduler', () => {
  before(connectTestDatabase);
  beforeEach(clearDatabase);

  it('expires active agreements whose end date has passed, once, catching up after downtime', async () => {
    const owner = new Types.ObjectId();
    const partner = new Types.ObjectId();
    const [ended, running, draft] = await AgreementModel.create([
      { title: 'Ended last month', partnerIds: [partner], ownerId: owner, status: 'active', endDate: new Date('2026-10-01') },
      { title: 'Still running', partnerIds: [partner], ownerId: owner, status: 'active', endDate: new Date('2027-06-01') },
      { title: 'Draft past its end', partnerIds: [partner], ownerId: owner, status: 'draft', endDate: new Date('2026-01-01') },
    ]);
    const now = new Date('2026-11-22T03:00:00Z');
    expect(await expireEndedAgreements(now)).to.equal(1);
    expect(await expireEndedAgreements(now)).to.equal(0);
    const rows = await AgreementModel.find({ _id: { $in: [ended!._id, running!._id, draft!._id] } })
      .sort({ title: 1 })
      .lean();
    expect(rows.map((r) => [r.title, r.status])).to.deep.equal([
      ['Draft past its end', 'draft'],
      ['Ended last month', 'expired'],
      ['Still running', 'active'],
    ]);
    expect(await AuditModel.countDocuments({ entityId: ended!._id, action: 'status:expire' })).to.equal(1);
  });

  it('refuses an invalid cron expression by name, and a failing job leaves the scheduler running', async () => {
    expect(() => validateSchedules([{ name: 'bad', expression: '61 * * * *', run: () => Promise.resolve() }])).to.throw(/bad/);
    await runJob({ name: 'boom', expression: '* * * * *', run: () => Promise.reject(new Error('boom')) });
    expect((await healthReport()).scheduler).to.equal('running');
  });

  it('stops: no new run starts, and the stop resolves only when the run in progress has ended', async () => {
    let release!: () => void;
    let runs = 0;
    const gate = new Promise<void>((r) => (release = r));
    const stop = startScheduler([{ name: 'slow', expression: '* * * * * *', catchUp: true, run: () => (runs++, gate) }]);
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 1200));
    expect(stopped).to.equal(false);
    release();
    await stopping;
    expect(stopped).to.equal(true);
    expect(runs).to.equal(1);
  });
});
