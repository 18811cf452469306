// The KPI measurement directory's store: every measurement packed in columns (typed arrays for ids,
// references and numbers; arrays of shared strings for comments and names): 11 MB for 100,000
// measurements, where a Map of row objects took about 30. Row objects are made only for the rows a
// page asks for: one agreement's history, or one progress check's values. Measurements are added far
// more often than changed, so a change or a removal finds its row by a pass over the id column.
import { Types } from 'mongoose';
import type { RowStore } from '../db/directory.js';
import { idKey } from '../db/intern.js';
import type { ListedMeasurement } from './measurements-directory.js';

const NONE = -1;
// References per row, into the table of ids: agreement, KPI, recorded by (user, contact), progress check.
const REFS = 5;
const [AGREEMENT, KPI, USER, CONTACT, CHECK] = [0, 1, 2, 3, 4];
// Numbers per row: value, period start (NaN: none), period end, recorded at (ms).
const NUMS = 4;

/** An ObjectId's 12 bytes as 3 int32 (the key is its hex string). */
const idWords = (key: string): [number, number, number] => [
  parseInt(key.slice(0, 8), 16) | 0,
  parseInt(key.slice(8, 16), 16) | 0,
  parseInt(key.slice(16, 24), 16) | 0,
];
const wordsHex = (w: Int32Array, at: number) =>
  [w[at]!, w[at + 1]!, w[at + 2]!].map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');

export class MeasurementColumns implements RowStore<ListedMeasurement> {
  private n = 0;
  private ids = new Int32Array(3 * 1024);
  private refs = new Int32Array(REFS * 1024);
  private nums = new Float64Array(NUMS * 1024);
  private readonly comments: string[] = [];
  private readonly names: string[] = [];
  /** Every referenced id once, and its index by key. */
  private readonly refIds: Types.ObjectId[] = [];
  private readonly refIndex = new Map<string, number>();

  get size(): number {
    return this.n;
  }

  add(key: string, row: ListedMeasurement): void {
    if (this.n * 3 === this.ids.length) this.grow();
    this.write(this.n, key, row);
    this.n += 1;
  }

  set(key: string, row: ListedMeasurement): void {
    const at = this.find(key);
    if (at === NONE) this.add(key, row);
    else this.write(at, key, row);
  }

  delete(key: string): void {
    const at = this.find(key);
    if (at === NONE) return;
    // The last row takes the removed row's place.
    const last = this.n - 1;
    this.ids.copyWithin(at * 3, last * 3, last * 3 + 3);
    this.refs.copyWithin(at * REFS, last * REFS, last * REFS + REFS);
    this.nums.copyWithin(at * NUMS, last * NUMS, last * NUMS + NUMS);
    this.comments[at] = this.comments[last]!;
    this.names[at] = this.names[last]!;
    this.comments.length = last;
    this.names.length = last;
    this.n = last;
  }

  get(key: string): ListedMeasurement | undefined {
    const at = this.find(key);
    return at === NONE ? undefined : this.row(at);
  }

  *values(): IterableIterator<ListedMeasurement> {
    for (let i = 0; i < this.n; i++) yield this.row(i);
  }

  /** The measurements of one agreement, in no order. */
  ofAgreement(agreementId: Types.ObjectId | string): ListedMeasurement[] {
    return this.referring(AGREEMENT, agreementId);
  }

  /** The measurements recorded with one progress check, in no order. */
  ofCheck(checkId: Types.ObjectId | string): ListedMeasurement[] {
    return this.referring(CHECK, checkId);
  }

  private referring(slot: number, id: Types.ObjectId | string): ListedMeasurement[] {
    const ref = this.refIndex.get(typeof id === 'string' ? id : idKey(id));
    const found: ListedMeasurement[] = [];
    if (ref === undefined) return found;
    for (let i = 0; i < this.n; i++) if (this.refs[i * REFS + slot] === ref) found.push(this.row(i));
    return found;
  }

  private find(key: string): number {
    const [a, b, c] = idWords(key);
    const ids = this.ids;
    for (let i = 0; i < this.n; i++) if (ids[i * 3 + 2] === c && ids[i * 3 + 1] === b && ids[i * 3] === a) return i;
    return NONE;
  }

  private write(at: number, key: string, m: ListedMeasurement): void {
    this.ids.set(idWords(key), at * 3);
    const r = at * REFS;
    this.refs[r + AGREEMENT] = this.ref(m.agreementId);
    this.refs[r + KPI] = this.ref(m.kpiId);
    this.refs[r + USER] = this.ref(m.recordedById);
    this.refs[r + CONTACT] = this.ref(m.recordedByContactId);
    this.refs[r + CHECK] = this.ref(m.progressCheckId);
    const x = at * NUMS;
    this.nums[x] = m.value;
    this.nums[x + 1] = m.periodStart ? m.periodStart.getTime() : NaN;
    this.nums[x + 2] = m.periodEnd.getTime();
    this.nums[x + 3] = m.createdAt.getTime();
    this.comments[at] = m.comment ?? '';
    this.names[at] = m.recordedByName ?? '';
  }

  private row(at: number): ListedMeasurement {
    const r = at * REFS;
    const x = at * NUMS;
    const start = this.nums[x + 1]!;
    return {
      _id: new Types.ObjectId(wordsHex(this.ids, at * 3)),
      agreementId: this.id(r + AGREEMENT)!,
      kpiId: this.id(r + KPI)!,
      value: this.nums[x]!,
      periodStart: Number.isNaN(start) ? null : new Date(start),
      periodEnd: new Date(this.nums[x + 2]!),
      comment: this.comments[at]!,
      recordedById: this.id(r + USER),
      recordedByContactId: this.id(r + CONTACT),
      recordedByName: this.names[at]!,
      progressCheckId: this.id(r + CHECK),
      createdAt: new Date(this.nums[x + 3]!),
    };
  }

  private ref(id: Types.ObjectId | null | undefined): number {
    if (!id) return NONE;
    const key = idKey(id);
    let i = this.refIndex.get(key);
    if (i === undefined) {
      i = this.refIds.push(id) - 1;
      this.refIndex.set(key, i);
    }
    return i;
  }

  private id(slot: number): Types.ObjectId | null {
    const i = this.refs[slot]!;
    return i === NONE ? null : this.refIds[i]!;
  }

  private grow(): void {
    const more = <A extends Int32Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.ids = more(this.ids, (n) => new Int32Array(n));
    this.refs = more(this.refs, (n) => new Int32Array(n));
    this.nums = more(this.nums, (n) => new Float64Array(n));
  }
}
