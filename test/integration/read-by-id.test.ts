// FerretDB reads a whole collection for any filter but `_id`: once its directories are loaded, a
// record's page reads the large collections (partners, agreements) by `_id` alone, so it costs the
// same at 100 partners as at 20,000.
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import { ObjectId, type CommandStartedEvent } from 'mongodb';
import { createUser, makeApp, signIn } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';

const large = new Set(['partners', 'agreements']);

describe('record pages read the large collections by _id', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  it('the agreement page (active, draft, ended) and the partner page', async () => {
    const owner = await createUser({ role: 'manager' });
    const partner = await makePartner(owner, 'Centre Horizon');
    const other = await makePartner(owner, 'Centre Nord', 'school');
    const pages = [
      `/agreements/${String((await fullAgreement(owner, [partner, other], { status: 'active' }))._id)}`,
      `/agreements/${String((await fullAgreement(owner, [partner], { status: 'draft' }))._id)}`,
      `/agreements/${String((await fullAgreement(owner, [partner], { status: 'expired' }))._id)}`,
      `/partners/${String(partner)}`,
    ];
    const agent = await signIn(app, owner);
    const client = mongoose.connection.getClient();
    const scans: string[] = [];
    const on = (e: CommandStartedEvent) => {
      const c = e.command as {
        find?: string;
        aggregate?: string;
        count?: string;
        filter?: Record<string, unknown>;
        query?: Record<string, unknown>;
      };
      const coll = c.find ?? c.count ?? (typeof c.aggregate === 'string' ? c.aggregate : undefined);
      if (!coll || !large.has(coll)) return;
      const filter = c.filter ?? c.query ?? {};
      const keys = Object.keys(filter);
      // One id, not an operator ($in...): FerretDB's index serves `_id` equality only.
      const byId = keys.length === 1 && keys[0] === '_id' && filter._id instanceof ObjectId;
      if (e.commandName === 'aggregate' || !byId) scans.push(`${coll} ${JSON.stringify(filter)}`);
    };
    for (const url of pages) {
      await agent.get(url).expect(200); // loads the directories
      client.on('commandStarted', on);
      await agent.get(url).expect(200);
      client.off('commandStarted', on);
      expect(scans, url).to.deep.equal([]);
    }
  });
});
