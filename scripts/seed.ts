// `npm run seed` — a bilingual demo portfolio; `npm run seed -- --partners 20000` — a large one.
import { parseArgs } from 'node:util';
import { migrateOrStop, startConfiguredDatabase } from '../src/db/start.js';
import { connectDatabase, disconnectDatabase } from '../src/db/connection.js';
import { ensureUsers, seedActivity, seedAgreements, seedMeetings, seedPartners } from './seed/portfolio.js';
import { seedHealth } from './seed/health.js';
import { seedBlockers } from './seed/blockers.js';
import { seedRetrospectives } from './seed/retrospectives.js';
import { seedOverlaps } from './seed/overlaps.js';

const { values } = parseArgs({
  options: { partners: { type: 'string' }, agreements: { type: 'string' }, measurements: { type: 'string' }, meetings: { type: 'string' } },
});
const partners = Number(values.partners ?? 48);
const agreements = Number(values.agreements ?? Math.max(6, Math.round(partners / 4)));
const perKpi = Number(values.measurements ?? (partners > 1000 ? 10 : 3));
// The large portfolio of the benchmark: 50,000 meetings at 20,000 partners; the demo has a few dozen.
const meetings = Number(values.meetings ?? Math.round(partners * 2.5));
if (![partners, agreements, perKpi, meetings].every((n) => Number.isInteger(n) && n >= 0)) {
  console.error('Usage: npm run seed -- [--partners N] [--agreements N] [--measurements PER_KPI] [--meetings N]');
  process.exit(2);
}

const db = await startConfiguredDatabase((m) => console.error(m));
console.error(`Seeding ${db.description}`);
await connectDatabase(db.uri);
await migrateOrStop(
  (m) => console.error(m),
  (m) => console.error(m),
);
const t0 = Date.now();
const bar = (label: string, done: number, total: number) => {
  const width = 30;
  const filled = Math.round((done / Math.max(1, total)) * width);
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done >= total) process.stderr.write('\n');
};
const { ids: owners, created } = await ensureUsers();
const partnerIds = await seedPartners(partners, owners, (done) => bar('partners  ', done, partners));
await seedActivity(partnerIds, owners);
bar('agreements', 0, agreements);
await seedAgreements(agreements, partnerIds, owners, perKpi);
bar('agreements', agreements, agreements);
await seedMeetings(meetings, partnerIds, owners, (done) => bar('meetings  ', done, meetings));
// Health from both sides for the demo; the benchmark's large portfolio keeps its documented shape.
const checks = partners <= 1000 ? await seedHealth() : 0;
const blockers = partners <= 1000 ? await seedBlockers() : 0;
const retrospectives = partners <= 1000 ? await seedRetrospectives() : 0;
if (partners <= 1000) await seedOverlaps(owners);
console.error(
  `Done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${partners} partners, ${agreements} agreements, ${agreements * 2 * perKpi} KPI measurements, ${meetings} meetings, ${checks} progress checks, ${blockers} blockers, ${retrospectives} retrospectives.`,
);
if (created) console.error(`Sign in as ${created.email} / ${created.password} (every demo user has this password).`);
await disconnectDatabase();
await db.stop();
