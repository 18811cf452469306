import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { clearDatabase, connectTestDatabase } from '../helpers/db.js';
import { createUser, makeApp, signIn } from '../helpers/app.js';
import { config } from '../../src/config.js';
import { listBackups, scheduledBackup } from '../../src/backup/service.js';
import { verifyArchive } from '../../src/backup/read.js';

describe('backup administration', function () {
  this.timeout(60_000);
  let app: Express;
  const placed: string[] = [];
  before(async () => {
    await connectTestDatabase();
    app = await makeApp();
  });
  beforeEach(clearDatabase);
  after(() => placed.forEach((f) => fs.rmSync(f, { force: true })));

  it('the scheduled backup: one run per scheduled minute across instances, a verifiable archive, only the newest BACKUP_KEEP kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-sched-'));
    await createUser({ role: 'admin' });
    const at = (m: number) => new Date(Date.UTC(2026, 11, 2, 3, m));
    const [first, again] = await Promise.all([scheduledBackup(at(0), dir, 2), scheduledBackup(at(0), dir, 2)]);
    expect([first, again].filter(Boolean)).to.have.length(1);
    await scheduledBackup(at(1), dir, 2);
    await scheduledBackup(at(2), dir, 2);
    const names = listBackups(dir).map((a) => a.name);
    expect(names).to.deep.equal(['passerelle-2026-12-02T03-02-00Z.jsonl.gz', 'passerelle-2026-12-02T03-01-00Z.jsonl.gz']);
    const verified = await verifyArchive(path.join(dir, names[0]!));
    expect(verified.manifest.collections.users!.count).to.equal(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the backups page: an administrator sees each archive with its size and date and downloads it as an attachment; a professional gets 403', async () => {
    const admin = await createUser({ role: 'admin', locale: 'fr' });
    const pro = await createUser({ role: 'professional' });
    const adminAgent = await signIn(app, admin);
    const empty = await adminAgent.get('/admin/backups');
    const name = `passerelle-2031-01-0${placed.length + 1}T10-00-00Z.jsonl.gz`;
    fs.mkdirSync(config.backup.dir, { recursive: true });
    const file = path.join(config.backup.dir, name);
    placed.push(file);
    fs.writeFileSync(file, 'x'.repeat(1_400_000));
    const res = await adminAgent.get('/admin/backups');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(name).and.contain(`href="/admin/backups/${name}"`);
    expect(res.text).to.match(/1,4\s?Mo/);
    if (listBackups().length === 1) expect(empty.text).to.contain('Aucune sauvegarde');
    const download = await adminAgent.get(`/admin/backups/${name}`).buffer(true);
    expect(download.status).to.equal(200);
    expect(download.headers['content-disposition']).to.match(/^attachment; filename="?passerelle-2031/);
    expect(download.headers['x-content-type-options']).to.equal('nosniff');
    expect((await adminAgent.get('/admin/backups/..%2F..%2Fpackage.json')).status).to.equal(404);
    const proAgent = await signIn(app, pro);
    expect((await proAgent.get('/admin/backups')).status).to.equal(403);
    expect((await proAgent.get(`/admin/backups/${name}`)).status).to.equal(403);
  });
});
