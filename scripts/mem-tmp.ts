import { startConfiguredDatabase } from '../src/db/start.js';
import { connectDatabase } from '../src/db/connection.js';
import { partnerDirectory } from '../src/partners/directory.js';
import { agreementDirectory } from '../src/agreements/directory.js';
import { meetingDirectory } from '../src/meetings/directory.js';
import { measurementsOf } from '../src/agreements/measurements-directory.js';
import { stageChanges } from '../src/partners/stage-directory.js';
const gc = (globalThis as { gc?: () => void }).gc!;
const mb = (n: number) => (n / 1048576).toFixed(0);
const show = (label: string) => { gc(); gc(); const m = process.memoryUsage(); console.log(label.padEnd(14), 'heap', mb(m.heapUsed), 'rss', mb(m.rss), 'ext', mb(m.external), 'ab', mb(m.arrayBuffers)); };
const db = await startConfiguredDatabase(() => undefined);
await connectDatabase(db.uri);
show('connected');
let peak = 0; const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
for (const [name, f] of [['partners', partnerDirectory], ['agreements', agreementDirectory], ['meetings', meetingDirectory], ['measurements', () => measurementsOf('000000000000000000000000')], ['stages', stageChanges]] as const) {
  const t0 = Date.now(); await f(); const ms = Date.now() - t0;
  show(`${name} ${ms}ms`); console.log('   peak rss so far', mb(peak));
}
clearInterval(t);
await db.stop(); process.exit(0);
