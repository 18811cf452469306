// The MongoDB/FerretDB common-ground rules that fail silently, checked against the real server.
import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import { connectTestDatabase, clearDatabase } from '../helpers/db.js';
import { UserModel } from '../../src/users/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { claimOnce } from '../../src/db/claim.js';
import { consumeToken, issueToken } from '../../src/users/tokens.js';

// Throwaway models: only these tests use them.
const Probe = mongoose.model('RuleProbe', new Schema({ key: String, items: [{ label: String }], tags: [String], n: Number }));
const UniqueProbe = mongoose.model('RuleUniqueProbe', new Schema({ code: { type: String, required: true, unique: true } }));

describe('database rules on the real server', () => {
  before(connectTestDatabase);
  beforeEach(clearDatabase);

  it('removes a subdocument from an array when the array is reassigned and saved', async () => {
    const owner = new mongoose.Types.ObjectId();
    const partner = await PartnerModel.create({
      name: 'Centre',
      nameFolded: 'centre',
      type: 'community',
      ownerId: owner,
      contacts: [{ name: 'Ann' }, { name: 'Bob' }, { name: 'Cid' }],
    });
    const doc = (await PartnerModel.findById(partner._id))!;
    const bob = doc.contacts.find((c) => c.name === 'Bob')!;
    doc.contacts = doc.contacts.filter((c) => String(c._id) !== String(bob._id)) as typeof doc.contacts;
    await doc.save();
    const reread = await PartnerModel.findById(partner._id).lean();
    expect(reread!.contacts.map((c) => c.name)).to.deep.equal(['Ann', 'Cid']);
  });

  it('removes subdocuments by reassigning the array; arr.pull(id) is not relied on', async () => {
    const created = await Probe.create({ key: 'p', items: [{ label: 'A' }, { label: 'B' }, { label: 'C' }], tags: ['x', 'y', 'z'] });
    // What the other ways do: `doc.items.pull(id)` and `doc.items[i].deleteOne()` make mongoose send
    // `$pull: { items: { _id: { $in: [id] } } }`, a conditional $pull that FerretDB 1.24 accepts and
    // ignores (the save succeeds, __v goes up, the element stays). MongoDB removes it. So: never use them.
    // On an array of primitives `doc.tags.pull('y')` sends `$pullAll: { tags: ['y'] }`, which both honour.
    const doc = (await Probe.findById(created._id))!;
    const b = doc.items.find((i) => i.label === 'B')!;
    doc.items = doc.items.filter((i) => String(i._id) !== String(b._id)) as typeof doc.items;
    (doc.tags as unknown as mongoose.Types.Array<string>).pull('y');
    await doc.save();
    const reread = (await Probe.findById(created._id).lean())!;
    expect(reread.items.map((i) => i.label)).to.deep.equal(['A', 'C']);
    expect(reread.tags).to.deep.equal(['x', 'z']);
  });

  it('refuses a duplicate on a unique index with code 11000', async () => {
    await UniqueProbe.init();
    await UniqueProbe.create({ code: 'K-1' });
    const err = await UniqueProbe.create({ code: 'K-1' }).then(
      () => null,
      (e: unknown) => e as { code?: number },
    );
    expect(err?.code).to.equal(11000);
    expect(await UniqueProbe.countDocuments({ code: 'K-1' })).to.equal(1);
  });

  it('sanitizeFilter neutralises an operator object given as a filter value', async () => {
    await Probe.create([{ key: 'a' }, { key: 'b' }]);
    const injected = { key: { $ne: null } } as Record<string, unknown>; // what `?key[$ne]=` would smuggle in
    expect(await Probe.countDocuments(injected)).to.equal(2); // the danger, unsanitized
    // Per query: mongoose wraps the object in $eq, and a String path then refuses it as a cast error.
    // (Only while the global option is unset: a global `mongoose.set('sanitizeFilter', false)` overrides it.)
    const err = await Probe.countDocuments(injected)
      .setOptions({ sanitizeFilter: true })
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(err?.name).to.equal('CastError');
    // The wrapped filter on the server matches nothing: `{ key: { $eq: { $ne: null } } }` is a literal.
    const sanitized = mongoose.sanitizeFilter({ key: { $ne: null } });
    expect(sanitized).to.deep.equal({ key: { $eq: { $ne: null } } });
    expect(await Probe.collection.countDocuments(sanitized)).to.equal(0);
  });

  it('refuses a second user with the same email, whatever its case (code 11000)', async () => {
    await UserModel.create({ name: 'A', email: 'same@example.org' });
    let code: unknown;
    try {
      await UserModel.create({ name: 'B', email: 'SAME@example.org' });
    } catch (err) {
      code = (err as { code?: number }).code;
    }
    expect(code).to.equal(11000);
    expect(await UserModel.countDocuments({ email: 'same@example.org' })).to.equal(1);
  });

  it('matches an escaped, case-insensitive, anchored regular expression', async () => {
    await Probe.create([{ key: 'ecole a+b' }, { key: 'ecole ab' }, { key: 'grande ecole' }]);
    const found = await Probe.find({ key: { $regex: '^ecole a\\+b', $options: 'i' } }).lean();
    expect(found.map((d) => d.key)).to.deep.equal(['ecole a+b']);
  });

  it('groups with one accumulator per $group (FerretDB 1.24 computes only the first: the others come back 0)', async () => {
    await Probe.create([
      { key: 'x', n: 2 },
      { key: 'x', n: 3 },
      { key: 'y', n: 5 },
    ]);
    const totals = await Probe.aggregate<{ _id: string; total: number }>([
      { $group: { _id: '$key', total: { $sum: '$n' } } },
      { $sort: { _id: 1 } },
    ]);
    const counts = await Probe.aggregate<{ _id: string; count: number }>([
      { $group: { _id: '$key', count: { $count: {} } } },
      { $sort: { _id: 1 } },
    ]);
    expect(totals).to.deep.equal([
      { _id: 'x', total: 5 },
      { _id: 'y', total: 5 },
    ]);
    expect(counts).to.deep.equal([
      { _id: 'x', count: 2 },
      { _id: 'y', count: 1 },
    ]);
  });

  it('drops an empty array written through $setOnInsert of an upsert on FerretDB 1.24 (so our code writes it otherwise)', async () => {
    // FerretDB answers buildInfo with a `ferretdbVersion` field; MongoDB does not.
    const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
    const ferretdb = 'ferretdbVersion' in info;
    await Probe.collection.updateOne({ key: 'upsert' }, { $setOnInsert: { key: 'upsert', tags: [], items: [] } }, { upsert: true });
    const upserted = (await Probe.collection.findOne({ key: 'upsert' }))!;
    if (ferretdb) expect(upserted).not.to.have.any.keys('tags', 'items');
    else expect(upserted.tags).to.deep.equal([]); // MongoDB keeps it: our code must not depend on either
    // What keeps it on both: a plain insert, or $set.
    await Probe.collection.insertOne({ key: 'insert', tags: [] });
    await Probe.collection.updateOne({ key: 'set' }, { $set: { tags: [] } }, { upsert: true });
    expect((await Probe.collection.findOne({ key: 'insert' }))!.tags).to.deep.equal([]);
    expect((await Probe.collection.findOne({ key: 'set' }))!.tags).to.deep.equal([]);
    // A non-empty array, and an empty one nested in an object, survive the upsert.
    await Probe.collection.updateOne({ key: 'kept' }, { $setOnInsert: { tags: ['x'], n: 1, nested: { list: [] } } }, { upsert: true });
    expect((await Probe.collection.findOne({ key: 'kept' }))!).to.deep.include({ tags: ['x'], nested: { list: [] } });
  });

  it('lets exactly one of many concurrent claims win (unique insert; conditional updates are not atomic on FerretDB)', async () => {
    const key = `race:${Date.now()}`;
    const results = await Promise.all(Array.from({ length: 8 }, () => claimOnce(key)));
    expect(results.filter(Boolean)).to.have.length(1);
  });

  it('uses a single-use token once even when it is submitted many times at once', async () => {
    const user = await UserModel.create({ name: 'T', email: 'token@example.org' });
    const token = await issueToken(user._id, 'reset');
    const winners = await Promise.all(Array.from({ length: 6 }, () => consumeToken(token, 'reset')));
    expect(winners.filter((w) => w !== null)).to.have.length(1);
  });
});
