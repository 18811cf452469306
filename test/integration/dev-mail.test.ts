// The development outbox (Administration → sent mail) as an administrator reads it.
import { expect } from 'chai';
import type { Express } from 'express';
import { makeApp, createUser, signIn, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { DevMailModel } from '../../src/mail/dev-mail.model.js';
import { devOutboxMailer } from '../../src/mail/transport.js';

describe('development outbox', () => {
  let app: Express;
  let admin: Agent;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    admin = await signIn(app, await createUser({ role: 'admin', locale: 'en' }));
  });

  it('opens a message kept without attachments, and stores it with an empty attachment list', async () => {
    const { messageId } = await devOutboxMailer().send({
      to: 'invited@example.org',
      subject: 'You are invited to Passerelle',
      html: '<p>Open <a href="http://passerelle.test/invite/abc">your invitation</a></p>',
      text: 'Open http://passerelle.test/invite/abc',
    });
    const stored = (await DevMailModel.collection.findOne({ messageId }))!;
    // Written as an insert: FerretDB keeps the empty array (an upsert's $setOnInsert drops it).
    expect(stored.attachments).to.deep.equal([]);
    expect(stored.at).to.be.instanceOf(Date);

    const list = await admin.get('/admin/dev-mail');
    expect(list.status).to.equal(200);
    const href = /href="(\/admin\/dev-mail\/[0-9a-f]{24})"/.exec(list.text)?.[1];
    expect(href, 'a link to the message').to.be.a('string');
    const page = await admin.get(href!);
    expect(page.status, page.text.slice(0, 300)).to.equal(200);
    expect(page.text).to.contain('You are invited to Passerelle').and.contain('invited@example.org');
    expect(page.text).not.to.contain('Attachments');
  });

  it('keeps one message per Message-ID when the same mail is stored twice', async () => {
    const mail = { to: ['a@example.org'], subject: 'Once', html: '<p>x</p>', text: 'x', messageId: '<same@passerelle.local>' };
    await devOutboxMailer().send(mail);
    await devOutboxMailer().send({ ...mail, subject: 'Twice' });
    const kept = await DevMailModel.find({ messageId: '<same@passerelle.local>' }).lean();
    expect(kept.map((m) => m.subject)).to.deep.equal(['Once']);
  });

  it('opens a message stored before, whose attachment list the database dropped', async () => {
    const { insertedId } = await DevMailModel.collection.insertOne({
      at: new Date(),
      messageId: '<old@passerelle.local>',
      from: 'Passerelle <no-reply@passerelle.local>',
      to: ['old@example.org'],
      subject: 'Reset your password',
      html: '<p>reset</p>',
      text: 'reset',
    });
    const page = await admin.get(`/admin/dev-mail/${String(insertedId)}`);
    expect(page.status, page.text.slice(0, 300)).to.equal(200);
    expect(page.text).to.contain('Reset your password');
  });

  it('lists the attachments of a meeting invitation', async () => {
    const { messageId } = await devOutboxMailer().send({
      to: 'guest@example.org',
      subject: 'Invitation: planning',
      html: '<p>x</p>',
      text: 'x',
      icalEvent: { method: 'REQUEST', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' },
    });
    const stored = (await DevMailModel.findOne({ messageId }).lean())!;
    const page = await admin.get(`/admin/dev-mail/${String(stored._id)}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Attachments').and.contain('invite.ics');
  });
});
