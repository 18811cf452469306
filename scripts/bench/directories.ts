// The memory each in-memory directory holds (heap and typed arrays) at the bench's size: each is loaded through its own module,
// as a page loads it (a directory keeps what it loaded), with a forced collection before and after. Prints one JSON line (MB per
// directory). Usage: node --expose-gc --import tsx scripts/bench/directories.ts (MONGODB_URI set).
import { Types } from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../src/db/connection.js';
import { partnerDirectory } from '../../src/partners/directory.js';
import { agreementDirectory } from '../../src/agreements/directory.js';
import { meetingsStartingBetween } from '../../src/meetings/directory.js';
import { measurementsOf } from '../../src/agreements/measurements-directory.js';
import { stageChanges } from '../../src/partners/stage-directory.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const heapMb = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1048576; // typed arrays' contents are outside the heap
};

await connectDatabase(process.env.MONGODB_URI!);
const loads: [string, () => Promise<unknown>][] = [
  ['partners', partnerDirectory],
  ['agreements', agreementDirectory],
  ['meetings', () => meetingsStartingBetween(new Date(0), null)],
  ['measurements', () => measurementsOf(new Types.ObjectId())],
  ['stageChanges', stageChanges],
];
const result: Record<string, number> = {};
let total = 0;
for (const [name, load] of loads) {
  const before = heapMb();
  await load();
  const mb = heapMb() - before;
  result[name] = Math.round(mb * 10) / 10;
  total += mb;
}
console.log(JSON.stringify({ job: 'directories', ...result, totalMb: Math.round(total) }));
await disconnectDatabase();
process.exit(0);
