import { expect } from 'chai';
import { Types } from 'mongoose';
import { clearDatabase, connectTestDatabase } from '../helpers/db.js';
import { PartnerModel } from '../../src/partners/model.js';
import { advanceLogHead, ChangeModel, packIds, unpackIds } from '../../src/db/change-log.js';
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
    await ChangeModel.create({ _id: earlier, coll: 'partners', ids: packIds([p._id]), all: false, at: new Date() });
    await advanceLogHead();
    expect(await names()).to.deep.equal(['Delta renamed']);
  });

  it('applies an import-sized write (600 partners) row by row, at once', async () => {
    await PartnerModel.create(partner('Echo'));
    expect(await names()).to.have.length(1);
    await PartnerModel.insertMany(Array.from({ length: 600 }, (_, i) => partner(`Bulk ${String(i).padStart(3, '0')}`)));
    expect(await ChangeModel.countDocuments({ coll: 'partners', all: true }), 'listed by id, not "all"').to.equal(0);
    expect(await partnerDirectory()).to.have.length(601);
  });

  it('after a write too large to list, keeps serving the previous rows (and later small writes) while a new snapshot loads', async () => {
    await PartnerModel.create(partner('Echo'));
    expect(await names()).to.have.length(1);
    await PartnerModel.insertMany(Array.from({ length: 2500 }, (_, i) => partner(`Bulk ${String(i).padStart(4, '0')}`)));
    expect(await ChangeModel.countDocuments({ coll: 'partners', all: true }), 'logged as "all"').to.equal(1);
    await PartnerModel.create(partner('Foxtrot'));
    // No read waits for the reload: the previous snapshot answers, with the small write applied to it.
    const during = await names();
    expect(during).to.deep.equal(['Echo', 'Foxtrot']);
    let rows = during.length;
    for (let i = 0; i < 200 && rows !== 2502; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = (await partnerDirectory()).length;
    }
    expect(rows, 'the new snapshot, once loaded').to.equal(2502);
    expect(await names())
      .to.include('Foxtrot')
      .and.include('Bulk 2499');
  });

  it('logs the ids a write touched packed in one binary value, 12 bytes each (a log read decodes one value per entry)', async () => {
    const docs = await PartnerModel.insertMany([partner('Hotel'), partner('India')]);
    const raw = await ChangeModel.collection.findOne({ coll: 'partners' });
    const stored = raw!.ids as { buffer: Uint8Array; length(): number };
    expect(stored.length()).to.equal(24);
    expect(unpackIds(stored)).to.deep.equal(docs.map((d) => d._id.toHexString()));
    expect(await names()).to.deep.equal(['Hotel', 'India']);
  });

  it('reads an entry an older process wrote, with its ids as an array', async () => {
    await PartnerModel.create(partner('Juliet'));
    expect(await names()).to.deep.equal(['Juliet']);
    const kilo = await PartnerModel.collection.insertOne({ ...partner('Kilo'), archived: false, updatedAt: new Date() });
    await ChangeModel.collection.insertOne({ coll: 'partners', ids: [kilo.insertedId], all: false, at: new Date() });
    await advanceLogHead();
    expect(await names()).to.deep.equal(['Juliet', 'Kilo']);
  });
});
