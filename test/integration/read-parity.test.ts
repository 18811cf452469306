import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Model, Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { resetDirectories } from '../../src/db/directory.js';
import { findSorted, type Filter, type SortSpec } from '../../src/db/query.js';
import { PartnerModel } from '../../src/partners/model.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { UserModel } from '../../src/users/model.js';
import { listFilter as partnerFilter, listPartners, listSorts, resourceInventory } from '../../src/partners/service.js';
import { listQuerySchema } from '../../src/partners/schemas.js';
import { agreementListSort, listAgreements, listFilter as agreementFilter } from '../../src/agreements/service.js';
import { meetingScopeFilter, upcomingMeetings, type MeetingFilter } from '../../src/meetings/service.js';
import { partnerTypes, resourceCategories, stages } from '../../src/partners/constants.js';
import { agreementKinds, agreementStatuses, kpiStatuses } from '../../src/agreements/constants.js';
import { findActiveUser, type SessionUser } from '../../src/users/service.js';

// Each list's query is written once, as a MongoDB filter and sort (src/db/query.ts): the pages
// answer it from the in-memory directories (sift), the CSV exports from the database. Over the demo
// portfolio, both must give the same rows in the same order, for every filter and sort of each list.
const root = path.resolve(import.meta.dirname, '../..');
const all = { page: 1, perPage: 100_000 };
const ids = (rows: readonly { _id: Types.ObjectId }[]) => rows.map((r) => String(r._id));
/** The ids the database gives for the query, in its order. */
async function fromDatabase(model: unknown, f: Filter, sort: SortSpec) {
  const out: string[] = [];
  for await (const d of findSorted(model as Model<{ _id: Types.ObjectId }>, f, sort, { _id: 1 })) out.push(String(d._id));
  return out;
}

describe('read parity: every list answers the same from memory and from the database', function () {
  this.timeout(240_000);
  let users: SessionUser[];
  let nonEmpty = 0;

  before(async () => {
    await clearDatabase();
    const seed = spawn(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--partners', '80', '--meetings', '40'], {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    seed.stderr.on('data', (d: Buffer) => (output += d.toString()));
    expect(await new Promise<number | null>((r) => seed.once('exit', r)), output).to.equal(0);
    resetDirectories(); // written by another process: load afresh
  });
  after(() => expect(nonEmpty, 'the portfolio gave the queries rows to compare').to.be.greaterThan(20));

  before(async () => {
    // The demo's users as their sessions hold them (every seeded user is active).
    const docs = await UserModel.find({}, { _id: 1 }).lean();
    users = (await Promise.all(docs.map((u) => findActiveUser(String(u._id))))).filter((u) => u !== null);
    expect(users.length).to.be.greaterThan(2);
  });

  it('partners: every filter (type, stage, owner, region, tag, resource, search, archived) under every sort', async () => {
    const sample = await PartnerModel.find({}, { region: 1, tags: 1, name: 1 }).limit(20).lean();
    const queries: Record<string, string>[] = [
      {},
      { archived: '1' },
      ...partnerTypes.map((type) => ({ type })),
      ...stages.map((stage) => ({ stage })),
      ...resourceCategories.map((resource) => ({ resource })),
      { owner: 'me' },
      { owner: users[1]!.id },
      { region: sample[0]!.region },
      { tag: sample.flatMap((p) => p.tags)[0] ?? 'none' },
      { q: 'ecole' },
      { q: sample[3]!.name.slice(0, 5) },
      { q: 'a.*b(' },
      { type: 'school', stage: 'exploring' },
      { type: 'community', owner: 'me', q: 'e' },
    ];
    for (const raw of queries)
      for (const sort of Object.keys(listSorts)) {
        const q = listQuerySchema.parse({ ...raw, sort });
        const user = users[0]!;
        const page = await listPartners(q, user, all);
        const db = await fromDatabase(PartnerModel, partnerFilter(q, user), listSorts[q.sort]);
        expect(ids(page.items), `${JSON.stringify(raw)} sorted by ${sort}`).to.deep.equal(db);
        expect(page.total).to.equal(db.length);
        if (db.length) nonEmpty++;
      }
  });

  it('partners: the resource inventory, by category and in all', async () => {
    for (const category of [undefined, ...resourceCategories]) {
      const page = await resourceInventory(category, all);
      const f = { archived: false, ...(category ? { resourceCategories: category } : { 'resources.0': { $exists: true } }) };
      expect(ids(page.items), String(category)).to.deep.equal(await fromDatabase(PartnerModel, f, listSorts.name));
    }
  });

  it('agreements: every filter (status, kind, owner, partner type, KPI state, ending within) in the list order', async () => {
    const now = new Date();
    const queries = [
      {},
      ...agreementStatuses.map((status) => ({ status })),
      ...agreementKinds.map((kind) => ({ kind })),
      ...partnerTypes.map((partnerType) => ({ partnerType })),
      ...kpiStatuses.map((kpiStatus) => ({ kpiStatus })),
      { owner: 'me' },
      { owner: users[1]!.id },
      { endingWithin: 90 },
      { endingWithin: 3650, status: 'active' as const },
    ];
    for (const q of queries)
      for (const user of users.slice(0, 2)) {
        const page = await listAgreements(q, user, all, now);
        const db = await fromDatabase(AgreementModel, await agreementFilter(q, user, now), agreementListSort);
        expect(ids(page.items), JSON.stringify(q)).to.deep.equal(db);
        if (db.length) nonEmpty++;
      }
  });

  it('meetings: the upcoming list in every scope, for each user', async () => {
    const from = new Date(Date.now() - 30 * 86400_000);
    for (const user of users)
      for (const scope of ['mine', 'team', 'all'] as const)
        for (const includeCancelled of [false, true]) {
          const filter: MeetingFilter = { scope, userId: user._id, includeCancelled };
          const page = await upcomingMeetings(from, filter, all);
          const f = { $and: [await meetingScopeFilter(filter), { start: { $gte: from } }] };
          const db = await fromDatabase(MeetingModel, f, { start: 1, _id: 1 });
          // Meetings at the same start come in no particular order from the directory: compare the set, then the starts' order.
          expect([...ids(page.items)].sort(), `${user.email} ${scope}`).to.deep.equal([...db].sort());
          const starts = page.items.map((m) => m.start.getTime());
          expect(starts).to.deep.equal([...starts].sort((a, b) => a - b));
          if (db.length) nonEmpty++;
        }
  });
});
