import { expect } from 'chai';
import { Types } from 'mongoose';
import { clearDatabase, connectTestDatabase } from '../helpers/db.js';
import { PartnerModel } from '../../src/partners/model.js';
import { advanceLogHead, ChangeModel } from '../../src/db/change-log.js';
import { partnerDirectory } from '../../src/partners/directory.js';
import { foldText } from '../../src/util/text.js';

const owner = new Types.ObjectId();
const partner = (name: string) => ({
  name,
  nameFolded: foldText(name),
  searchFolded: foldText(name),
  type: 'community' as const,
  ownerId: owner,
});
const names = async () => (await partnerDirectory()).map((p) => p.name).sort();

describe('partner directory (in-memory list kept current through the change log)', () => {
  before(connectTestDatabase);
  beforeEach(clearDatabase);

  it('sees every kind of write made through the model: create, update, updateMany, insertMany, save, delete', async () => {
    const a = await PartnerModel.create(partner('Alpha'));
    expect(await names()).to.deep.equal(['Alpha']);
    await PartnerModel.updateOne({ _id: a._id }, { $set: { name: 'Alpha 2' } });
    await PartnerModel.insertMany([partner('Bravo'), partner('Charlie')]);
    expect(await names()).to.deep.equal(['Alpha 2', 'Bravo', 'Charlie']);
    await PartnerModel.updateMany({ name: { $in: ['Bravo', 'Charlie'] } }, { $set: { stage: 'contacted' } });
    expect((await partnerDirectory()).filter((p) => p.stage === 'contacted')).to.have.length(2);
    const doc = (await PartnerModel.findOne({ name: 'Bravo' }))!;
    doc.region = 'Laval';
    await doc.save();
    expect((await partnerDirectory()).find((p) => p.name === 'Bravo')!.region).to.equal('Laval');
    await PartnerModel.deleteOne({ _id: a._id });
    await PartnerModel.deleteMany({ name: 'Charlie' });
    expect(await names()).to.deep.equal(['Bravo']);
  });

  it("applies another process's log entry even when its id sorts before one already applied", async () => {
    const p = await PartnerModel.create(partner('Delta'));
    expect(await names()).to.deep.equal(['Delta']);
    // Another process renamed it and logged the change with an earlier-sorting id (same second,
    // smaller process part): the rename is written behind this process's models' backs.
    await PartnerModel.collection.updateOne({ _id: p._id }, { $set: { name: 'Delta renamed' } });
    const earlier = Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000) - 1);
    await ChangeModel.create({ _id: earlier, coll: 'partners', ids: [p._id], all: false, at: new Date() });
    await advanceLogHead();
    expect(await names()).to.deep.equal(['Delta renamed']);
  });

  it('reloads everything after a write too large to list (an import), and stays correct', async () => {
    await PartnerModel.create(partner('Echo'));
    expect(await names()).to.have.length(1);
    await PartnerModel.insertMany(Array.from({ length: 600 }, (_, i) => partner(`Bulk ${String(i).padStart(3, '0')}`)));
    const entry = await ChangeModel.findOne({ coll: 'partners', all: true }).lean();
    expect(entry, 'a write of 600 partners is logged as "all"').to.not.equal(null);
    expect(await partnerDirectory()).to.have.length(601);
  });
});
