// Database commands counted per scope and per request (AsyncLocalStorage over the driver's events).
import { expect } from 'chai';
import express from 'express';
import mongoose, { Schema } from 'mongoose';
import supertest from 'supertest';
import { commandCountMiddleware, countCommands } from '../../src/db/command-counter.js';
import { clearDatabase, connectTestDatabase } from '../helpers/db.js';

const Counted = mongoose.model('CountedProbe', new Schema({ n: Number }));

describe('database command counter', () => {
  before(connectTestDatabase);
  beforeEach(clearDatabase);

  it('counts the commands of a scope, and only those', async () => {
    const other = Counted.find().lean(); // outside the scope
    const { result, commands, names } = await countCommands(async () => {
      await Counted.create({ n: 1 });
      const [a, b] = await Promise.all([Counted.countDocuments(), Counted.findOne().lean()]);
      return { a, b };
    });
    await other;
    expect(result.a).to.equal(1);
    expect(commands).to.equal(3);
    expect([...names].sort()).to.deep.equal(['aggregate', 'find', 'insert'].sort());
  });

  it('nested scopes count for both', async () => {
    const outer = await countCommands(async () => {
      await Counted.findOne();
      return countCommands(() => Counted.countDocuments().exec());
    });
    expect(outer.result.commands).to.equal(1);
    expect(outer.commands).to.equal(2);
  });

  it('reports a request’s count in X-Db-Commands when asked, and in res.locals.dbCommands', async () => {
    const app = express();
    app.use(commandCountMiddleware);
    app.get('/', async (_req, res) => {
      await Counted.find().lean();
      await Counted.find().lean();
      res.send(String(res.locals.dbCommands));
    });
    const asked = await supertest(app).get('/').set('X-Count-Db-Commands', '1');
    expect(asked.headers['x-db-commands']).to.equal('2');
    expect(asked.text).to.equal('2');
    const plain = await supertest(app).get('/');
    expect(plain.headers).to.not.have.property('x-db-commands');
  });
});
