import { expect } from 'chai';
import { Types } from 'mongoose';
import type { Express } from 'express';
import { makeApp, createUser, signIn, postForm, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { PartnerListModel, PartnerModel } from '../../src/partners/model.js';
import { changeStage } from '../../src/partners/stage.js';

describe('partner list copy (what lists, filters and the board read)', () => {
  let app: Express;
  let admin: TestUser;
  let agent: Agent;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    admin = await createUser({ role: 'admin', locale: 'en' });
    agent = await signIn(app, admin);
  });

  it('follows every kind of write: create, added contact, stage change, archive, delete', async () => {
    const res = await postForm(
      agent,
      '/partners',
      { name: 'Régie du Nord', type: 'government', ownerId: String(admin._id) },
      '/partners/new',
    );
    const id = String(res.headers.location).split('/').pop()!;
    expect((await PartnerListModel.findById(id).lean())!.nameFolded).to.equal('regie du nord');

    await postForm(agent, `/partners/${id}/contacts`, { name: 'Zoé Gendron', email: 'zoe@nord.example.org', locale: 'fr' }, '/partners');
    expect((await agent.get('/partners?q=zoe gendron')).text).to.contain('Régie du Nord');

    await changeStage(null, [new Types.ObjectId(id)], 'exploring');
    expect((await agent.get('/partners?stage=exploring')).text).to.contain('Régie du Nord');
    expect((await agent.get('/partners?stage=identified')).text).not.to.contain('Régie du Nord');
    const board = await agent.get('/partners/board');
    expect(board.text.indexOf('Régie du Nord')).to.be.greaterThan(board.text.indexOf('id="col-exploring"'));

    await postForm(agent, `/partners/${id}/archive`, {}, `/partners/${id}`);
    expect((await agent.get('/partners')).text).not.to.contain('Régie du Nord');
    expect((await agent.get('/partners?archived=1')).text).to.contain('Régie du Nord');

    await postForm(agent, `/partners/${id}/delete`, {}, `/partners/${id}/delete`);
    expect(await PartnerListModel.countDocuments({})).to.equal(0);
    expect(await PartnerModel.countDocuments({})).to.equal(0);
  });

  it('fills the copy from insertMany (seed, import) in the same shape', async () => {
    await PartnerModel.insertMany([
      { name: 'A', nameFolded: 'a', type: 'other', ownerId: admin._id, tags: ['x'] },
      { name: 'B', nameFolded: 'b', type: 'other', ownerId: admin._id },
    ]);
    const rows = await PartnerListModel.find({}).sort({ nameFolded: 1 }).lean();
    expect(rows.map((r) => [r.name, r.stage, r.archived, r.tags])).to.deep.equal([
      ['A', 'identified', false, ['x']],
      ['B', 'identified', false, []],
    ]);
  });
});
