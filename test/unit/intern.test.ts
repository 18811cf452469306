import { expect } from 'chai';
import { Types } from 'mongoose';
import { idKey, Interner } from '../../src/db/intern.js';

// Two lean rows as the driver returns them: equal values, each its own copy.
const hex = '6b08c0a01a33ea55633a6b89';
const row = () => ({
  _id: new Types.ObjectId(),
  agreementId: new Types.ObjectId(hex),
  periodEnd: new Date('2026-03-31T00:00:00Z'),
  recordedByName: `Marie ${'Tremblay'}`,
  searchFolded: 'x'.repeat(65),
  value: 3.5,
  periodStart: null,
  kpis: [{ _id: new Types.ObjectId(), name: 'Placements', ownerIds: [new Types.ObjectId(hex)] }],
});

describe('directory rows: interned values', () => {
  it('shares equal ids, dates and short strings between rows, at any depth, and leaves the rows equal', () => {
    const [a, b] = [row(), row()];
    const before = structuredClone(b);
    const interner = new Interner();
    interner.row(a);
    interner.row(b);
    expect(b.agreementId).to.equal(a.agreementId);
    expect(b.periodEnd).to.equal(a.periodEnd);
    expect(b.kpis[0]!.ownerIds[0]).to.equal(a.agreementId);
    expect(String(b.agreementId)).to.equal(hex);
    expect(b.periodEnd.getTime()).to.equal(before.periodEnd.getTime());
    expect(b.recordedByName).to.equal('Marie Tremblay');
    expect(b.value).to.equal(3.5);
    expect(b.periodStart).to.equal(null);
  });

  it('keeps every _id its own (a row and each subdocument are distinct records)', () => {
    const [a, b] = [row(), row()];
    const [ida, idb, kpiA, kpiB] = [a._id, b._id, a.kpis[0]!._id, b.kpis[0]!._id];
    const interner = new Interner();
    interner.row(a);
    interner.row(b);
    expect(a._id).to.equal(ida);
    expect(b._id).to.equal(idb);
    expect(a.kpis[0]!._id).to.equal(kpiA);
    expect(b.kpis[0]!._id).to.equal(kpiB);
    expect(String(a._id)).to.not.equal(String(b._id));
  });

  it('gives a flat key equal to the id’s hex string', () => {
    const id = new Types.ObjectId(hex);
    expect(idKey(id)).to.equal(hex);
    expect(idKey(id)).to.equal(String(id));
  });
});
