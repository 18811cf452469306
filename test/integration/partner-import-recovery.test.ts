// An import cut off part-way (a stop, a crash, a kill) is rolled back by the next process, and can be
// started again from the same preview.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { expect } from 'chai';
import type { Express } from 'express';
import { makeApp, createUser, signIn, postForm, csrfFrom, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { PartnerModel, StageChangeModel } from '../../src/partners/model.js';
import { PartnerImportModel } from '../../src/partners/import.model.js';
import { IMPORT_BATCH_SIZE, importOptions, importSettled, runningHere } from '../../src/partners/import.js';
import { markImportsStopping, recoverInterruptedImports } from '../../src/partners/import-recovery.js';

const csv = ['name;type;region', ...Array.from({ length: 50 }, (_, i) => `Organisme ${i};community;Laval`)].join('\n');

async function preview(agent: Agent): Promise<{ url: string; id: string }> {
  const token = await csrfFrom(agent, '/partners/import');
  const res = await agent.post('/partners/import').field('_csrf', token).attach('file', Buffer.from(csv), 'p.csv');
  expect(res.status).to.equal(302);
  const url = String(res.headers.location);
  return { url, id: url.split('/').pop()! };
}

const deadPid = async (): Promise<number> => {
  const p = spawn('true');
  await new Promise((r) => p.once('exit', r));
  return p.pid!;
};

describe('partner import: interrupted runs', () => {
  let app: Express;
  let agent: Agent;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    importOptions.batchSize = 10;
    agent = await signIn(app, await createUser({ role: 'professional', locale: 'en' }));
  });
  afterEach(() => {
    importOptions.batchSize = IMPORT_BATCH_SIZE;
    importOptions.beforeBatch = null;
    markImportsStopping(false);
  });

  it('a stop ends the run between batches; the next start rolls it back and it can be run again', async () => {
    const { url, id } = await preview(agent);
    // The stop comes while the second batch is being written.
    importOptions.beforeBatch = (i) => {
      if (i === 1) markImportsStopping();
      return Promise.resolve();
    };
    await postForm(agent, `${url}/run`, {}, url);
    await importSettled(id);
    expect(await PartnerModel.countDocuments({ importId: id })).to.equal(20);
    expect((await PartnerImportModel.findById(id).lean())!.status).to.equal('running');

    markImportsStopping(false);
    importOptions.beforeBatch = null;
    expect(await recoverInterruptedImports(runningHere)).to.equal(1);
    expect(await PartnerModel.countDocuments({})).to.equal(0);
    expect(await StageChangeModel.countDocuments({})).to.equal(0);
    const imp = (await PartnerImportModel.findById(id).lean())!;
    expect(imp).to.include({ status: 'preview', interruptedDone: 20 });
    const page = await agent.get(url);
    expect(page.text).to.include('interrupted by a restart after 20 of 50 partners').and.include('rolled back');

    await postForm(agent, `${url}/run`, {}, url);
    await importSettled(id);
    expect((await PartnerImportModel.findById(id).lean())!.status).to.equal('done');
    expect(await PartnerModel.countDocuments({ importId: id })).to.equal(50);
  });

  it('rolls back only the runs no live process owns: a dead process of this machine, or a heartbeat a minute old', async () => {
    const other = spawn('sleep', ['30']);
    try {
      const make = async (owner: { ownerHost: string; ownerPid: number; heartbeatAt: Date }) => {
        const { id } = await preview(agent);
        await PartnerImportModel.updateOne({ _id: id }, { $set: { status: 'running', done: 10, ...owner } });
        await PartnerModel.create({
          name: `Half ${id}`,
          nameFolded: `half ${id}`,
          type: 'community',
          ownerId: (await PartnerImportModel.findById(id).lean())!.createdBy,
          importId: id,
        });
        return id;
      };
      const now = new Date();
      const dead = await make({ ownerHost: os.hostname(), ownerPid: await deadPid(), heartbeatAt: now });
      const silent = await make({ ownerHost: 'elsewhere', ownerPid: 1, heartbeatAt: new Date(now.getTime() - 120_000) });
      const live = await make({ ownerHost: os.hostname(), ownerPid: other.pid!, heartbeatAt: now });
      const remote = await make({ ownerHost: 'elsewhere', ownerPid: 1, heartbeatAt: now });
      expect(await recoverInterruptedImports(runningHere, now)).to.equal(2);
      const status = async (id: string) => (await PartnerImportModel.findById(id).lean())!.status;
      expect([await status(dead), await status(silent), await status(live), await status(remote)]).to.deep.equal([
        'preview',
        'preview',
        'running',
        'running',
      ]);
      expect(await PartnerModel.countDocuments({ importId: { $in: [dead, silent] } })).to.equal(0);
      expect(await PartnerModel.countDocuments({ importId: { $in: [live, remote] } })).to.equal(2);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
