import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { clearDatabase } from '../helpers/db.js';
import { createUser, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { PartnerModel } from '../../src/partners/model.js';
import { foldText } from '../../src/util/text.js';

// FerretDB 1.24 (the embedded database) reads a whole collection for any filter but `_id`: a read
// of that kind on the write path made creating a partner take seconds at 20,000 partners. Writes
// read through the in-memory directories, or by _id.
// Besides the app's bookkeeping, the users: the staff, a few dozen rows (the form lists the active ones).
const notScanned = new Set(['sessions', 'change_log', 'change_log_head', 'claims', 'loginfailures', 'users']);

/** The commands that filter a collection by anything but _id (what FerretDB answers by a full scan). */
async function scansDuring(work: () => Promise<unknown>): Promise<string[]> {
  const client = mongoose.connection.getClient();
  const scans: string[] = [];
  const on = (e: CommandStartedEvent) => {
    const c = e.command as Record<string, unknown>;
    const coll = c[e.commandName];
    if (typeof coll !== 'string' || notScanned.has(coll)) return;
    const filters =
      e.commandName === 'find' || e.commandName === 'count'
        ? [c.filter ?? c.query]
        : e.commandName === 'update'
          ? (c.updates as { q: unknown }[]).map((u) => u.q)
          : e.commandName === 'delete'
            ? (c.deletes as { q: unknown }[]).map((u) => u.q)
            : e.commandName === 'aggregate'
              ? [c.pipeline]
              : [];
    for (const f of filters) {
      const keys = f && typeof f === 'object' ? Object.keys(f) : [];
      if (e.commandName === 'aggregate' || keys.length !== 1 || keys[0] !== '_id')
        scans.push(`${e.commandName} ${coll} ${JSON.stringify(f)}`);
    }
  };
  client.on('commandStarted', on);
  try {
    await work();
  } finally {
    client.off('commandStarted', on);
  }
  return scans;
}

describe('write path: creating a partner scans no collection', function () {
  this.timeout(30_000);
  let app: Express;
  let pro: TestUser;
  let agent: Agent;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
    await PartnerModel.create({
      name: 'École Saint-Esprit',
      nameFolded: foldText('École Saint-Esprit'),
      searchFolded: 'ecole saint-esprit',
      type: 'school',
      ownerId: pro._id,
      website: 'https://st-esprit.example',
      websiteFolded: 'st-esprit.example',
    });
    await agent.get('/partners').expect(200); // the directories are loaded, as on a warm server
  });

  it('checks for duplicates (by name and by website) and creates the partner, reading by _id only', async () => {
    const form = await agent.get('/partners/new').expect(200);
    expect(form.status).to.equal(200);
    const dup = await scansDuring(() =>
      postForm(agent, '/partners', { name: 'ECOLE SAINT-ESPRIT', type: 'school', ownerId: String(pro._id) }, '/partners/new').then((r) =>
        expect(r.status).to.equal(409),
      ),
    );
    expect(dup).to.deep.equal([]);
    const byWebsite = await scansDuring(() =>
      postForm(
        agent,
        '/partners',
        { name: 'Autre nom', website: 'http://www.st-esprit.example/', type: 'school', ownerId: String(pro._id) },
        '/partners/new',
      ).then((r) => expect(r.text).to.contain('This partner may already exist')),
    );
    expect(byWebsite).to.deep.equal([]);
    const created = await scansDuring(() =>
      postForm(agent, '/partners', { name: 'Centre Horizon', type: 'community', ownerId: String(pro._id) }, '/partners/new').then((r) =>
        expect(r.status).to.equal(302),
      ),
    );
    expect(created).to.deep.equal([]);
    expect(await PartnerModel.countDocuments({})).to.equal(2);
  });
});
