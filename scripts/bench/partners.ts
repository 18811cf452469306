// Median timings and database commands of the partner pages, in process, against the configured
// database (seed it first: npm run seed -- --partners 20000). Usage: tsx scripts/bench/partners.ts
import supertest from 'supertest';
import mongoose from 'mongoose';
import { config } from '../../src/config.js';
import { startDatabase } from '../../src/db/embedded.js';
import { connectDatabase, disconnectDatabase } from '../../src/db/connection.js';
import { hashPassword } from '../../src/auth/password.js';
import { UserModel } from '../../src/users/model.js';
import { SettingModel } from '../../src/settings/model.js';
import { PartnerListModel } from '../../src/partners/model.js';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const database = await startDatabase({
  uri: config.mongodbUri,
  dataDir: config.dataDir,
  ferretdbPort: config.ferretdbPort,
  log: () => undefined,
});
try {
  await connectDatabase(database.uri);
  const { createApp } = await import('../../src/app.js');
  const email = 'bench.admin@demo.passerelle.local';
  const password = 'bench-password-0123456789';
  await SettingModel.updateOne({ key: 'setup.completed' }, { $setOnInsert: { value: new Date() } }, { upsert: true });
  await UserModel.updateOne(
    { email },
    { $set: { name: 'Bench', role: 'admin', status: 'active', locale: 'fr', passwordHash: await hashPassword(password) } },
    { upsert: true },
  );
  const agent = supertest.agent(createApp());
  const login = await agent.get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  await agent.post('/login').type('form').send({ email, password, _csrf: csrf });
  let commands = 0;
  mongoose.connection.getClient().on('commandStarted', () => (commands += 1));
  const total = await PartnerListModel.countDocuments({ archived: false });
  const some = (await PartnerListModel.findOne({ stage: 'exploring' }, { _id: 1 })
    .skip(Math.floor(total / 20))
    .lean())!;
  const pages: [string, string][] = [
    ['list, page 1', '/partners'],
    ['list, page 400 (sorted by name)', '/partners?page=400'],
    ['filtered search (q=ecole, type=school, stage=exploring)', '/partners?q=ecole&type=school&stage=exploring'],
    ['contact search (q=tremblay)', '/partners?q=tremblay'],
    ['partner page', `/partners/${String(some._id)}`],
    ['pipeline board', '/partners/board'],
  ];
  console.log(`${total} partners; ${database.description}; median of ${runs} runs`);
  for (const [label, url] of pages) {
    const times: number[] = [];
    let cmds = 0;
    for (let i = 0; i < runs; i += 1) {
      commands = 0;
      const t = performance.now();
      const res = await agent.get(url);
      times.push(performance.now() - t);
      cmds = commands;
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(58)} ${times[Math.floor(runs / 2)]!.toFixed(0).padStart(6)} ms  ${cmds} DB commands`);
  }
} finally {
  await disconnectDatabase();
  await database.stop();
}
