import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { clearDatabase } from '../helpers/db.js';
import { createUser, makeApp, signIn } from '../helpers/app.js';

// src/http/session-store.ts: a session is read by its _id alone (the one filter FerretDB answers
// from its index), and an expired one is refused by the store itself.
describe('session store', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  it('reads the session with a bare _id filter', async () => {
    const agent = await signIn(app, await createUser());
    const filters: Record<string, unknown>[] = [];
    const on = (e: CommandStartedEvent) => {
      const cmd = e.command as { find?: string; filter?: Record<string, unknown> };
      if (e.commandName === 'find' && cmd.find === 'sessions') filters.push(cmd.filter ?? {});
    };
    const client = mongoose.connection.getClient();
    client.on('commandStarted', on);
    await agent.get('/partners').expect(200);
    client.off('commandStarted', on);
    expect(filters).to.have.length(1);
    expect(Object.keys(filters[0]!)).to.deep.equal(['_id']);
  });

  it('treats an expired session as no session: the visitor is sent to sign in', async () => {
    const agent = await signIn(app, await createUser());
    await agent.get('/partners').expect(200);
    await mongoose.connection.db!.collection('sessions').updateMany({}, { $set: { expires: new Date(Date.now() - 1000) } });
    const res = await agent.get('/partners');
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.match(/^\/login/);
  });
});
