import { expect } from 'chai';
import { Types } from 'mongoose';
import { MeasurementColumns } from '../../src/agreements/measurement-columns.js';
import type { ListedMeasurement } from '../../src/agreements/measurements-directory.js';

const agreementA = new Types.ObjectId();
const agreementB = new Types.ObjectId();
const check = new Types.ObjectId();

function measurement(over: Partial<ListedMeasurement> = {}): ListedMeasurement {
  return {
    _id: new Types.ObjectId(),
    agreementId: agreementA,
    kpiId: new Types.ObjectId(),
    value: 12.5,
    periodStart: null,
    periodEnd: new Date('2026-03-31T00:00:00Z'),
    comment: '',
    recordedById: null,
    recordedByContactId: null,
    recordedByName: 'Marie Tremblay',
    progressCheckId: null,
    createdAt: new Date('2026-04-02T14:03:07.123Z'),
    ...over,
  };
}
const add = (store: MeasurementColumns, m: ListedMeasurement) => store.add(String(m._id), m);
const plain = (m: ListedMeasurement | undefined) => JSON.parse(JSON.stringify(m)) as unknown;

describe('KPI measurements packed in columns', () => {
  it('gives back every field of a row as it was added, nulls and all', () => {
    const store = new MeasurementColumns();
    const full = measurement({
      _id: new Types.ObjectId('ffffffff80000000000000ff'),
      periodStart: new Date('2026-01-01T00:00:00Z'),
      comment: 'Deux cohortes',
      recordedById: new Types.ObjectId(),
      recordedByContactId: new Types.ObjectId(),
      progressCheckId: check,
      value: -0.25,
    });
    const bare = measurement();
    add(store, full);
    add(store, bare);
    expect(plain(store.get(String(full._id)))).to.deep.equal(plain(full));
    expect(plain(store.get(String(bare._id)))).to.deep.equal(plain(bare));
    expect(store.get(String(new Types.ObjectId()))).to.equal(undefined);
  });

  it('finds an agreement’s and a progress check’s measurements, and only those', () => {
    const store = new MeasurementColumns();
    const mine = [measurement({ progressCheckId: check }), measurement()];
    const other = measurement({ agreementId: agreementB });
    for (const m of [mine[0]!, other, mine[1]!]) add(store, m);
    expect(store.ofAgreement(agreementA).map((m) => String(m._id))).to.have.members(mine.map((m) => String(m._id)));
    expect(store.ofAgreement(String(agreementB)).map((m) => String(m._id))).to.deep.equal([String(other._id)]);
    expect(store.ofCheck(check).map((m) => String(m._id))).to.deep.equal([String(mine[0]!._id)]);
    expect(store.ofAgreement(new Types.ObjectId())).to.deep.equal([]);
  });

  it('replaces a row by id, removes one (the last row moves into its place), and grows past its first capacity', () => {
    const store = new MeasurementColumns();
    const rows = Array.from({ length: 2500 }, (_, i) => measurement({ value: i }));
    for (const m of rows) add(store, m);
    expect(store.size).to.equal(2500);
    const changed = { ...rows[10]!, value: 99, comment: 'corrigé' };
    store.set(String(changed._id), changed);
    expect(plain(store.get(String(changed._id)))).to.deep.equal(plain(changed));
    store.delete(String(rows[10]!._id));
    store.delete(String(new Types.ObjectId())); // unknown: nothing happens
    expect(store.size).to.equal(2499);
    expect(store.get(String(rows[10]!._id))).to.equal(undefined);
    expect(plain(store.get(String(rows[2499]!._id)))).to.deep.equal(plain(rows[2499]));
    const values = [...store.values()].map((m) => m.value).sort((a, b) => a - b);
    expect(values).to.deep.equal(rows.map((m) => m.value).filter((v) => v !== 10));
    const added = measurement({ value: 5000 });
    store.set(String(added._id), added); // unknown id: added
    expect(store.size).to.equal(2500);
    expect(store.get(String(added._id))?.value).to.equal(5000);
  });
});
