// Benchmark jobs run in their own process against a running bench database (MONGODB_URI):
//   mail   — delivery of 1,000 outbox messages to a local SMTP server through the pooled transport;
//   import — a 50,000-row partner CSV: preview, then import (rows per second, peak memory).
// Prints one JSON line. Usage: tsx scripts/bench/jobs.ts mail|import
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { SessionUser } from '../../src/users/service.js';

const job = process.argv[2];
const rss = () => Math.round(process.memoryUsage().rss / 1048576);
let peak = rss();
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);

// The mail job's SMTP server must be known before any module reads the configuration.
let received = 0;
let closeSmtp = (): void => undefined;
if (job === 'mail') {
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _s, cb) {
      stream.resume();
      stream.on('end', () => {
        received += 1;
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  closeSmtp = () => smtp.close();
}
const { connectDatabase, disconnectDatabase } = await import('../../src/db/connection.js');
await connectDatabase(process.env.MONGODB_URI!);
let result: Record<string, number | string> = {};

if (job === 'mail') {
  const { enqueueMessages } = await import('../../src/reminders/enqueue.js');
  const { deliverUntilIdle } = await import('../../src/reminders/deliver.js');
  const { OutboxModel } = await import('../../src/reminders/outbox.model.js');
  const { closeMailer } = await import('../../src/mail/transport.js');
  const tag = `bench${Date.now()}`;
  const n = 1000;
  await enqueueMessages(
    Array.from({ length: n }, (_, i) => ({
      kind: 'task_overdue',
      subjectId: `${tag}-${i}`,
      occurrence: '1',
      to: { email: `p${i}@${tag}.example`, name: `Person ${i}`, locale: i % 2 ? ('fr' as const) : ('en' as const) },
      data: { title: `Task ${i}`, due: 'today', link: 'http://localhost/tasks' },
    })),
  );
  const t0 = performance.now();
  const report = await deliverUntilIdle({ concurrency: 5, limit: 100, maxBatches: 100 });
  const seconds = (performance.now() - t0) / 1000;
  await OutboxModel.deleteMany({ subjectId: { $regex: `^${tag}-` } });
  closeMailer();
  closeSmtp();
  result = { messages: n, sent: report.sent, received, seconds: Number(seconds.toFixed(1)), perSecond: Math.round(report.sent / seconds) };
} else if (job === 'import') {
  const { UserModel } = await import('../../src/users/model.js');
  const { createPreview, startImport, importSettled, getImport } = await import('../../src/partners/import.js');
  const { PartnerModel } = await import('../../src/partners/model.js');
  const admin = (await UserModel.create({ name: 'Bench', email: 'bench@passerelle.local', role: 'admin', status: 'active' })).toObject();
  const actor: SessionUser = {
    _id: admin._id,
    id: String(admin._id),
    name: admin.name,
    email: admin.email,
    role: admin.role,
    locale: admin.locale,
    timezone: admin.timezone,
  };
  const n = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
  const tag = `Bench ${Date.now()}`;
  const lines = ['name,type,region,contact_name,contact_email'];
  for (let i = 0; i < n; i++) lines.push(`${tag} organisme ${i},community,Montréal,Personne ${i},p${i}@bench.example`);
  const t0 = performance.now();
  const id = await createPreview(actor, 'bench.csv', lines.join('\n'));
  const tPreview = performance.now();
  await startImport(actor, id);
  await importSettled(id);
  const seconds = (performance.now() - t0) / 1000;
  const imp = await getImport(actor, id);
  const imported = await PartnerModel.countDocuments({ importId: id });
  // No clean-up here: the job's database is dropped at the end (deleting 50,000 partners by id took minutes).
  result = {
    rows: n,
    imported,
    status: String(imp?.status),
    previewSeconds: Number(((tPreview - t0) / 1000).toFixed(1)),
    seconds: Number(seconds.toFixed(1)),
    rowsPerSecond: Math.round(n / seconds),
  };
}
clearInterval(sampler);
console.log(JSON.stringify({ job, ...result, peakRssMb: Math.max(peak, rss()) }));
const mongoose = (await import('mongoose')).default;
await mongoose.connection.dropDatabase();
await disconnectDatabase();
process.exit(0);
