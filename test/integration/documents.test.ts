import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { createUser, csrfFrom, makeApp, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { config } from '../../src/config.js';
import { AuditModel } from '../../src/audit/model.js';
import { DocumentChunkModel, DocumentModel } from '../../src/documents/model.js';
import { countCommands } from '../../src/db/command-counter.js';
import { openDocument } from '../../src/documents/service.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { ProgressCheckModel } from '../../src/progress/model.js';

// Documents on records: streamed into our own chunk store, read back by `_id`, typed by content.

/** Supertest collects a binary body into a Buffer with this parser. */
const binary = (res: NodeJS.ReadableStream & { setEncoding(e: string): void }, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};

async function upload(agent: Agent, path: string, content: Buffer, filename: string, fields: Record<string, string> = {}, from = '/') {
  const token = await csrfFrom(agent, from);
  let req = agent.post(`${path}?_csrf=${encodeURIComponent(token)}`);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', content, { filename, contentType: 'application/pdf' });
}

describe('documents on records', function () {
  this.timeout(120_000);
  let app: Express;
  let owner: TestUser;
  let other: TestUser;
  let ownerAgent: Agent;
  let otherAgent: Agent;
  let partnerId: string;

  before(async () => {
    app = await makeApp();
    await clearDatabase();
    owner = await createUser({ role: 'professional' });
    other = await createUser({ role: 'professional' });
    ownerAgent = await signIn(app, owner);
    otherAgent = await signIn(app, other);
    partnerId = String(await makePartner(owner, 'Documents Partner'));
  });

  async function uploadAndDownload(bytes: number) {
    const content = crypto.randomBytes(bytes);
    const res = await upload(ownerAgent, `/documents/partner/${partnerId}`, content, `data-${bytes}.bin`, {}, `/partners/${partnerId}`);
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const doc = await DocumentModel.findOne({ name: `data-${bytes}.bin` }).lean();
    expect(doc?.status).to.equal('complete');
    expect(doc?.size).to.equal(bytes);
    expect(doc?.sha256).to.equal(crypto.createHash('sha256').update(content).digest('hex'));
    const down = await ownerAgent
      .get(`/documents/${String(doc!._id)}/download`)
      .buffer(true)
      .parse(binary as never);
    expect(down.status).to.equal(200);
    expect(Buffer.compare(down.body as Buffer, content)).to.equal(0);
    expect(down.headers['content-disposition']).to.match(/^attachment; filename="?data-\d+\.bin"?$/);
    expect(down.headers['x-content-type-options']).to.equal('nosniff');
    return doc!;
  }

  it('a 1 KB file, when uploaded then downloaded, then comes back byte for byte', async () => {
    const doc = await uploadAndDownload(1024);
    expect(doc.chunks).to.equal(1);
  });

  it('a 10 MB file, when uploaded then downloaded, then comes back byte for byte in 255 KB chunks', async () => {
    const doc = await uploadAndDownload(10 * 1024 * 1024);
    expect(doc.chunks).to.equal(Math.ceil((10 * 1024 * 1024) / (255 * 1024)));
    expect(await DocumentChunkModel.collection.findOne({ _id: `${String(doc._id)}:${doc.chunks - 1}` as never })).to.not.equal(null);
    expect(await DocumentChunkModel.collection.findOne({ _id: `${String(doc._id)}:${doc.chunks}` as never })).to.equal(null);
  });

  it('a file one byte over the default limit, when uploaded, then gets 413 and nothing is stored', async () => {
    expect(config.documentMaxBytes).to.equal(25 * 1024 * 1024);
    const [docsBefore, chunksBefore] = [await DocumentModel.countDocuments(), await DocumentChunkModel.countDocuments()];
    const res = await upload(
      ownerAgent,
      `/documents/partner/${partnerId}`,
      Buffer.alloc(config.documentMaxBytes + 1, 7),
      'big.bin',
      {},
      `/partners/${partnerId}`,
    );
    expect(res.status).to.equal(413);
    expect(res.text).to.include('25');
    expect(await DocumentModel.countDocuments()).to.equal(docsBefore);
    expect(await DocumentChunkModel.countDocuments()).to.equal(chunksBefore);
  });

  it('a file exactly at the limit, when uploaded, then is stored whole', async () => {
    const doc = await uploadAndDownload(config.documentMaxBytes);
    expect(doc.size).to.equal(config.documentMaxBytes);
  });

  it('a ".pdf" holding HTML, when downloaded or previewed, then goes out as an octet-stream attachment', async () => {
    const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
    const res = await upload(ownerAgent, `/documents/partner/${partnerId}`, html, 'contract.pdf', {}, `/partners/${partnerId}`);
    expect(res.status).to.equal(303);
    const doc = (await DocumentModel.findOne({ name: 'contract.pdf' }).lean())!;
    expect(doc.type).to.equal('application/octet-stream');
    for (const path of ['download', 'view']) {
      const r = await ownerAgent
        .get(`/documents/${String(doc._id)}/${path}`)
        .buffer(true)
        .parse(binary as never);
      expect(r.headers['content-type']).to.equal('application/octet-stream');
      expect(r.headers['content-disposition']).to.match(/^attachment/);
      expect(r.headers['content-security-policy']).to.match(/^sandbox/);
    }
  });

  it('a real PDF, when previewed, then is shown inline in a sandbox', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    await upload(ownerAgent, `/documents/partner/${partnerId}`, pdf, '../../etc/rapport été "final".pdf', {}, `/partners/${partnerId}`);
    const doc = (await DocumentModel.findOne({ type: 'application/pdf' }).lean())!;
    expect(doc.name).to.equal('rapport été final.pdf');
    const r = await ownerAgent
      .get(`/documents/${String(doc._id)}/view`)
      .buffer(true)
      .parse(binary as never);
    expect(r.headers['content-type']).to.equal('application/pdf');
    expect(r.headers['content-disposition']).to.match(
      /^inline; filename="rapport \?t\? final\.pdf"; filename\*=UTF-8''rapport%20%C3%A9t%C3%A9%20final\.pdf$/,
    );
    expect(r.headers['content-security-policy']).to.match(/^sandbox/);
  });

  it('the partner page, when it has files, then lists them with size and uploader; another professional sees no delete', async () => {
    const page = await ownerAgent.get(`/partners/${partnerId}`);
    expect(page.text).to.include('id="documents"');
    expect(page.text).to.include('data-1024.bin');
    expect(page.text).to.include(owner.name);
    expect(page.text).to.match(/\/documents\/[a-f0-9]{24}\/archive/);
    const seen = await otherAgent.get(`/partners/${partnerId}`);
    expect(seen.text).to.include('data-1024.bin');
    expect(seen.text).to.not.match(/\/documents\/[a-f0-9]{24}\/archive/);
    expect(seen.text).to.not.include('enctype="multipart/form-data" action="/documents/');
  });

  it('another professional, when deleting or uploading on a partner not theirs, then gets 403 and nothing changes', async () => {
    const doc = (await DocumentModel.findOne({ name: 'data-1024.bin' }).lean())!;
    const token = await csrfFrom(otherAgent, '/');
    const del = await otherAgent
      .post(`/documents/${String(doc._id)}/archive`)
      .type('form')
      .send({ _csrf: token });
    expect(del.status).to.equal(403);
    expect((await DocumentModel.findById(doc._id).lean())!.archivedAt).to.equal(null);
    const before = await DocumentModel.countDocuments();
    const up = await upload(otherAgent, `/documents/partner/${partnerId}`, Buffer.from('x'), 'x.txt');
    expect(up.status).to.equal(403);
    expect(await DocumentModel.countDocuments()).to.equal(before);
  });

  it('an upload without its CSRF token, when posted, then is refused before anything is stored', async () => {
    const before = await DocumentChunkModel.countDocuments();
    const res = await ownerAgent.post(`/documents/partner/${partnerId}`).attach('file', Buffer.from('hello'), 'hello.txt');
    expect(res.status).to.equal(403);
    expect(await DocumentChunkModel.countDocuments()).to.equal(before);
  });

  it('an archived file, when archived by its owner, then leaves the list and the audit trail says so', async () => {
    const doc = (await DocumentModel.findOne({ name: 'data-1024.bin' }).lean())!;
    const token = await csrfFrom(ownerAgent, '/');
    const res = await ownerAgent
      .post(`/documents/${String(doc._id)}/archive`)
      .type('form')
      .send({ _csrf: token });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/partners/${partnerId}#documents`);
    const page = await ownerAgent.get(`/partners/${partnerId}`);
    expect(page.text).to.not.include('data-1024.bin');
    const audit = await AuditModel.findOne({ entity: 'document', entityId: doc._id, action: 'archive' }).lean();
    expect(audit?.actorName).to.equal(owner.name);
    expect((await ownerAgent.get(`/documents/${String(doc._id)}/download`)).status).to.equal(404);
  });

  it('a download, when read, then sends one find per chunk, each by its own _id', async () => {
    const doc = (await DocumentModel.findOne({ name: `data-${10 * 1024 * 1024}.bin` }).lean())!;
    const seen: unknown[] = [];
    const client = DocumentChunkModel.db.getClient();
    const listen = (e: { commandName: string; command: Record<string, unknown> }) => {
      if (e.commandName === 'find' && e.command.find === 'document_chunks') seen.push((e.command.filter as { _id: unknown })._id);
    };
    client.on('commandStarted', listen);
    try {
      const { commands } = await countCommands(async () => {
        const opened = await openDocument(doc._id);
        for await (const _chunk of opened.stream()) void _chunk;
      });
      expect(commands).to.equal(1 + doc.chunks);
    } finally {
      client.off('commandStarted', listen);
    }
    expect(seen).to.deep.equal(Array.from({ length: doc.chunks }, (_v, n) => `${String(doc._id)}:${n}`));
  });

  it('an active contract, when its signed copy of the current version is uploaded, then the page says it is on file', async () => {
    const a = await fullAgreement(owner, [await makePartner(owner, 'Signed Partner')], { kind: 'contract', status: 'active' });
    const before = await ownerAgent.get(`/agreements/${String(a._id)}`);
    expect(before.text).to.include('No signed copy on file yet');
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const res = await upload(ownerAgent, `/documents/agreement/${String(a._id)}`, pdf, 'signed.pdf', { signedRev: String(a.rev ?? 0) });
    expect(res.status).to.equal(303);
    const after = await ownerAgent.get(`/agreements/${String(a._id)}`);
    expect(after.text).to.include('Signed copy on file');
    expect(after.text).to.include('signed copy of version');
    // The dashboard (cached per change of the data) lists contracts still without one.
    const admin = await signIn(app, await createUser({ role: 'admin' }));
    const unsignedRows = async () => (await admin.get('/dashboard/rows/unsigned')).text;
    const other = await fullAgreement(owner, [await makePartner(owner, 'Unsigned Partner')], {
      kind: 'contract',
      status: 'active',
      title: 'Unsigned contract',
    });
    expect(await unsignedRows()).to.include('Unsigned contract');
    await upload(ownerAgent, `/documents/agreement/${String(other._id)}`, pdf, 'signed-2.pdf', { signedRev: String(other.rev ?? 0) });
    expect(await unsignedRows()).to.not.include('Unsigned contract');
    const wrong = await upload(ownerAgent, `/documents/agreement/${String(a._id)}`, pdf, 'wrong.pdf', { signedRev: '99' });
    expect(wrong.status).to.equal(303);
    expect(wrong.headers.location).to.equal(`/agreements/${String(a._id)}`);
    expect(await DocumentModel.countDocuments({ name: 'wrong.pdf' })).to.equal(0);
  });

  it('a meeting and a progress check, when a file is attached to each, then each page lists its own file only', async () => {
    const start = new Date(Date.now() + 86400_000);
    const m = await MeetingModel.create({
      kind: 'planning',
      title: 'Suivi',
      partnerId,
      ownerId: owner._id,
      start,
      end: new Date(start.getTime() + 3_600_000),
      durationMinutes: 60,
      zone: 'America/Toronto',
    });
    const a = await fullAgreement(owner, [await makePartner(owner, 'Check Partner')], { status: 'active' });
    const dims = { trust: 4, communication: 4, sharedGoals: 4, roles: 4, mutualBenefit: 4 };
    const c = await ProgressCheckModel.create({
      agreementId: a._id,
      periodStart: new Date(Date.now() - 30 * 86400_000),
      periodEnd: new Date(),
      status: 'on_track',
      health: dims,
      healthScore: 20,
    });
    expect((await upload(ownerAgent, `/documents/meeting/${String(m._id)}`, Buffer.from('minutes'), 'minutes.txt')).status).to.equal(303);
    expect((await upload(ownerAgent, `/documents/check/${String(c._id)}`, Buffer.from('report'), 'check-report.txt')).status).to.equal(303);
    const meetingPage = await ownerAgent.get(`/meetings/${String(m._id)}`);
    expect(meetingPage.text).to.include('minutes.txt');
    expect(meetingPage.text).to.not.include('check-report.txt');
    const checkPage = await ownerAgent.get(`/progress/${String(c._id)}`);
    expect(checkPage.status).to.equal(200);
    expect(checkPage.text).to.include('check-report.txt');
    expect(checkPage.text).to.not.include('minutes.txt');
  });

  it('a file its owner shares, when the agreement’s shared page is opened, then it is listed and downloads by the token alone', async () => {
    const a = await fullAgreement(owner, [await makePartner(owner, 'Shared Partner')], { status: 'active' });
    await upload(ownerAgent, `/documents/agreement/${String(a._id)}`, Buffer.from('shared notes'), 'shared-notes.txt');
    await upload(ownerAgent, `/documents/agreement/${String(a._id)}`, Buffer.from('private notes'), 'private-notes.txt');
    const doc = (await DocumentModel.findOne({ name: 'shared-notes.txt' }).lean())!;
    const hidden = (await DocumentModel.findOne({ name: 'private-notes.txt' }).lean())!;
    const token = await csrfFrom(ownerAgent, '/');
    expect(
      (
        await ownerAgent
          .post(`/documents/${String(doc._id)}/share`)
          .type('form')
          .send({ _csrf: token, shared: 'on' })
      ).status,
    ).to.equal(303);
    const created = await ownerAgent
      .post(`/agreements/${String(a._id)}/share`)
      .type('form')
      .send({ _csrf: token });
    const shown = created.headers.location ? (await ownerAgent.get(created.headers.location)).text : created.text;
    const link = /\/shared\/([A-Za-z0-9_-]{20,100})/.exec(shown)![1]!;
    const visitor = supertest(app);
    const page = await visitor.get(`/shared/${link}`);
    expect(page.text).to.include('shared-notes.txt').and.not.include('private-notes.txt');
    const down = await visitor
      .get(`/shared/${link}/documents/${String(doc._id)}`)
      .buffer(true)
      .parse(binary as never);
    expect(down.status).to.equal(200);
    expect((down.body as Buffer).toString()).to.equal('shared notes');
    expect((await visitor.get(`/shared/${link}/documents/${String(hidden._id)}`)).status).to.equal(404);
  });
});
