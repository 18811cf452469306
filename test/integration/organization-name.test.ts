import { expect } from 'chai';
import type { Express } from 'express';
import { makeApp, createUser, signIn, postForm } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { AuditModel } from '../../src/audit/model.js';

describe("settings: the organization's own name", () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  it('names our side of every agreement (page, editor, print) and signs the mail, once an administrator sets it', async () => {
    const admin = await createUser({ role: 'admin', locale: 'en' });
    const agent = await signIn(app, admin);
    const lead = await makePartner(admin, 'Centre Accueil');
    const a = await fullAgreement(admin, [lead], { resources: [{ what: 'Rooms', providerPartnerId: null, forWhom: 'Clients' }] });
    const url = `/agreements/${String(a._id)}`;
    expect((await agent.get(url)).text).to.contain('Our organization');

    const form = await agent.get('/admin/organization');
    expect(form.status).to.equal(200);
    const saved = await postForm(agent, '/admin/organization', { name: '  Carrefour Emploi Laval ' }, '/admin/organization');
    expect(saved.status).to.equal(302);
    expect(await AuditModel.countDocuments({ entity: 'setting', action: 'update' })).to.equal(1);

    for (const path of [url, `${url}/print`, `${url}/edit/resources`]) {
      const page = await agent.get(path);
      expect(page.text, path).to.contain('Carrefour Emploi Laval').and.not.contain('Our organization');
    }
    getTestSmtp().clear();
    await postForm(
      agent,
      '/admin/users/invite',
      { name: 'Ivy Invitee', email: 'ivy@example.org', role: 'manager', locale: 'fr' },
      '/admin/users/invite',
    );
    const mail = await getTestSmtp().waitFor((m) => m.to.includes('ivy@example.org'));
    expect(mail.text).to.contain('Carrefour Emploi Laval');
  });

  it('refuses an empty, multi-line or too long name with a message beside the field, keeping what was typed; only an administrator may set it', async () => {
    const admin = await createUser({ role: 'admin', locale: 'en' });
    const agent = await signIn(app, admin);
    const empty = await postForm(agent, '/admin/organization', { name: '   ' }, '/admin/organization');
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('This field is required');
    const long = await postForm(agent, '/admin/organization', { name: 'x'.repeat(201) }, '/admin/organization');
    expect(long.status).to.equal(422);
    expect(long.text).to.contain('x'.repeat(201));
    const twoLines = await postForm(agent, '/admin/organization', { name: 'A\r\nB' }, '/admin/organization');
    expect(twoLines.status).to.equal(422);
    expect(await AuditModel.countDocuments({ entity: 'setting' })).to.equal(0);

    const pro = await signIn(app, await createUser({ role: 'professional', locale: 'en' }));
    expect((await pro.get('/admin/organization')).status).to.equal(403);
    expect((await postForm(pro, '/admin/organization', { name: 'Mine' }, '/')).status).to.equal(403);
  });
});
