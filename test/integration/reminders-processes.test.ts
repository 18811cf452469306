import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { clearDatabase } from '../helpers/db.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { enqueueMessages, type MessageInput } from '../../src/reminders/enqueue.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { deliverUntilIdle } from '../../src/reminders/deliver.js';
import { claimOnce } from '../../src/db/claim.js';

// Real processes against the real database and SMTP server: several instances at once, and one
// killed with SIGKILL in the middle of a batch.
const script = path.resolve(import.meta.dirname, '../fixtures/deliver-process.ts');

const live = new Set<ChildProcess>();

function deliverer(env: Record<string, string> = {}): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const done = new Promise<string>((resolve, reject) =>
    child.on('exit', (code, signal) => (code === 0 || signal === 'SIGKILL' ? resolve(out) : reject(new Error(`exit ${code}: ${err}`)))),
  );
  return { child, done };
}

const messages = (n: number, tag: string): MessageInput[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'task_overdue',
    subjectId: `${tag}-${i}`,
    occurrence: '1',
    to: { email: `person${i}@${tag}.example`, name: `Person ${i}`, locale: i % 2 ? 'fr' : 'en' },
    data: { title: `Task ${i}`, due: 'today', link: 'http://passerelle.test/tasks' },
  }));

/** Messages received per outbox Message-ID. */
function receivedCounts(tag: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of getTestSmtp().messages.filter((x) => x.to.some((t) => t.endsWith(`@${tag}.example`))))
    counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  return counts;
}

/** The test SMTP server parses each mail after accepting it: wait until it has them all. */
async function settle(tag: string, expected: number): Promise<void> {
  for (let i = 0; i < 100 && receivedCounts(tag).size < expected; i++) await new Promise((r) => setTimeout(r, 50));
}

describe('reminders: several real processes, and one killed mid-batch', function () {
  this.timeout(180_000);
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
  });
  // No delivering process outlives its test (it would deliver the next test's messages).
  afterEach(() => {
    for (const child of live) child.kill('SIGKILL');
  });

  it('three instances delivering 500 due messages at once: 500 delivered, each exactly once', async () => {
    await enqueueMessages(messages(500, 'three'));
    const t0 = Date.now();
    const runs = [deliverer(), deliverer(), deliverer()];
    const reports = (await Promise.all(runs.map((r) => r.done))).map((o) => JSON.parse(o.trim().split('\n').at(-1)!) as { sent: number });
    const seconds = (Date.now() - t0) / 1000;
    await settle('three', await OutboxModel.countDocuments({ state: 'sent' }));
    const counts = receivedCounts('three');
    const duplicates = [...counts.values()].filter((c) => c > 1).length;
    console.log(
      `      three instances: 500 due, ${counts.size} delivered, ${duplicates} duplicated, ${500 - counts.size} lost; per process ${reports.map((r) => r.sent).join(' / ')}; ${seconds.toFixed(1)} s`,
    );
    expect(counts.size).to.equal(500);
    expect(duplicates).to.equal(0);
    expect(reports.reduce((s, r) => s + r.sent, 0)).to.equal(500);
    expect(reports.filter((r) => r.sent > 0).length, 'every instance took part').to.equal(3);
    expect(await OutboxModel.countDocuments({ state: 'sent' })).to.equal(500);
  });

  it('a process killed (SIGKILL) mid-batch and a new one started: every message delivered, duplicates only inside the stated window', async () => {
    await enqueueMessages(messages(200, 'crash'));
    const first = deliverer({ LEASE_MS: '3000' });
    const smtp = getTestSmtp();
    while (receivedCounts('crash').size < 40) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await first.done;
    const atKill = receivedCounts('crash').size;
    const stranded = await OutboxModel.countDocuments({ state: 'sending' });
    // The restarted process waits for the dead one's leases to expire, then finishes the work.
    const second = deliverer({ LEASE_MS: '3000' });
    await second.done;
    await settle('crash', await OutboxModel.countDocuments({ state: 'sent' }));
    const counts = receivedCounts('crash');
    const duplicates = [...counts.values()].reduce((s, c) => s + c - 1, 0);
    console.log(
      `      crash: 200 due, ${atKill} delivered before the kill, ${stranded} left 'sending'; after restart ${counts.size} delivered, ${duplicates} duplicated, ${200 - counts.size} lost (${smtp.messages.length} mails in all)`,
    );
    expect(atKill).to.be.lessThan(200);
    expect(counts.size).to.equal(200);
    // The README's window: a message the mail server accepted but the dead process had not yet
    // marked sent — at most one per send in flight (concurrency 5).
    expect(duplicates).to.be.at.most(5);
    expect(await OutboxModel.countDocuments({ state: 'sent' })).to.equal(200);
  });

  it('takes over an attempt whose claimant died between its claim and its lease (else it would wait for ever)', async () => {
    await enqueueMessages(messages(1, 'orphan'));
    const msg = (await OutboxModel.findOne({}).lean())!;
    // A process claimed attempt 0, then died before marking the message 'sending'.
    expect(await claimOnce(`outbox:${String(msg._id)}:attempt:0`)).to.equal(true);
    expect((await deliverUntilIdle({ leaseMs: 60_000 })).sent, 'a fresh claim is left to its owner').to.equal(0);
    await new Promise((r) => setTimeout(r, 300));
    const report = await deliverUntilIdle({ leaseMs: 200 });
    expect(report.sent).to.equal(1);
    await settle('orphan', 1);
    expect(receivedCounts('orphan').size).to.equal(1);
  });
});
