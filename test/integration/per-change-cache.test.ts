import { expect } from 'chai';
import { createUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { perChangeCache } from '../../src/db/per-change-cache.js';
import { UserModel } from '../../src/users/model.js';
import { activeUserOptions } from '../../src/users/service.js';
import { templateNames } from '../../src/tasks/templates.js';
import { TaskTemplateModel } from '../../src/tasks/templates.model.js';

// Lists read on many pages (the active users, the action-plan names) are read once per change of the
// data and shared; a write through the model shows at the next read.
describe('per-change cache', () => {
  beforeEach(clearDatabase);

  it('shares the active users until a user is written, then shows the change at once', async () => {
    await createUser({ name: 'Ada Active' });
    const first = await activeUserOptions();
    expect(await activeUserOptions(), 'nothing changed: the same list').to.equal(first);
    const bea = await createUser({ name: 'Bea Later' });
    expect((await activeUserOptions()).map((u) => u.name)).to.deep.equal(['Ada Active', 'Bea Later']);
    await UserModel.updateOne({ _id: bea._id }, { $set: { status: 'deactivated' } });
    expect((await activeUserOptions()).map((u) => u.name)).to.deep.equal(['Ada Active']);
  });

  it('shows a new action plan at once, and a deleted one is gone', async () => {
    expect(await templateNames()).to.have.length(0);
    const t = await TaskTemplateModel.create({ name: 'Accueil', items: [] });
    expect((await templateNames()).map((x) => x.name)).to.deep.equal(['Accueil']);
    await TaskTemplateModel.deleteOne({ _id: t._id });
    expect(await templateNames()).to.have.length(0);
  });

  it('shares one computation among callers at once, and does not keep a failure', async () => {
    const cache = perChangeCache<{ n: number }>({ max: 5, maxAgeMs: 60_000 });
    let runs = 0;
    const make = () => Promise.resolve({ n: ++runs });
    const [a, b] = await Promise.all([cache.get('k', make), cache.get('k', make)]);
    expect(a).to.equal(b);
    expect(runs).to.equal(1);
    const failing = () => Promise.reject(new Error('database gone'));
    let err: unknown;
    await cache.get('other', failing).catch((e: unknown) => (err = e));
    expect(String(err)).to.contain('database gone');
    expect((await cache.get('other', make)).n, 'tried again after the failure').to.equal(2);
  });
});
