// Median latency and database commands per request of the main pages, against the configured
// database (seed it first). Usage: npx tsx scripts/measure-pages.ts  (prints a table; changes nothing but a sign-in)
import supertest from 'supertest';
import mongoose from 'mongoose';
import { startConfiguredDatabase } from '../src/db/start.js';
import { connectDatabase } from '../src/db/connection.js';
import { UserModel } from '../src/users/model.js';
import { PartnerModel } from '../src/partners/model.js';
import { AgreementModel } from '../src/agreements/model.js';

const db = await startConfiguredDatabase(() => undefined);
await connectDatabase(db.uri);
const { createApp } = await import('../src/app.js');
const app = createApp();
let commands = 0;
mongoose.connection.getClient().on('commandStarted', () => (commands += 1));

const agent = supertest.agent(app);
const login = await agent.get('/login');
const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
const admin = await UserModel.findOne({ role: 'admin' }).lean();
const res = await agent
  .post('/login')
  .type('form')
  .send({ email: admin!.email, password: process.env.SEED_PASSWORD ?? 'passerelle-demo-2026', _csrf: csrf });
if (res.status !== 302) throw new Error(`sign-in failed: ${res.status}`);
const partner = await PartnerModel.findOne({ archived: false }, { _id: 1 }).sort({ nameFolded: 1 }).lean();
const agreement = await AgreementModel.findOne({ status: 'active' }, { _id: 1 }).lean();
const total = await PartnerModel.countDocuments({});
const pages: [string, string][] = [
  ['partner list', '/partners'],
  ['partner list, filtered', '/partners?type=school&stage=exploring'],
  ['partner search', '/partners?q=ecole'],
  ['partner page', `/partners/${String(partner!._id)}`],
  ['agreement page', `/agreements/${String(agreement!._id)}`],
  ['agreement list', '/agreements?status=active'],
  ['dashboard', '/dashboard?owner=all'],
  ['dashboard rows (KPIs at risk)', '/dashboard/rows/kpis?owner=all&kpiStatus=at_risk'],
];
console.log(`${total} partners in the database\n| page | median ms | db commands |\n|---|---|---|`);
for (const [name, url] of pages) {
  await agent.get(url); // warm-up
  const times: number[] = [];
  let cmds = 0;
  for (let i = 0; i < 7; i += 1) {
    const before = commands;
    const t = performance.now();
    const r = await agent.get(url);
    times.push(performance.now() - t);
    cmds = commands - before;
    if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
  }
  times.sort((a, b) => a - b);
  console.log(`| ${name} | ${times[3]!.toFixed(0)} | ${cmds} |`);
}
await mongoose.disconnect();
await db.stop();
