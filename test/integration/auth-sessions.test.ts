import { expect } from 'chai';
import supertest from 'supertest';
import type { Express } from 'express';
import { makeApp, createUser, csrfFrom, signIn, postForm, PASSWORD, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { settleResetRequests } from '../../src/users/reset-requests.js';
import { deliverUntilIdle } from '../../src/reminders/deliver.js';

// A credential or rights change ends the user's other sessions (stored in the database, checked at
// each request against the epoch on the user); the session that made the change goes on.
const signedIn = async (agent: Agent): Promise<boolean> => (await agent.get('/profile')).status === 200;

const linkIn = (text: string, path: string): string => {
  const m = new RegExp(`https?://[^\\s"]+${path}/[A-Za-z0-9_-]+`).exec(text);
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return new URL(m[0]).pathname;
};

describe('ending the other sessions of a user', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
  });

  it('a password reset signs out every session the user had', async () => {
    const user = await createUser({ locale: 'en' });
    const laptop = await signIn(app, user);
    const phone = await signIn(app, user);
    const browser = supertest.agent(app);
    const forgotToken = await csrfFrom(browser, '/forgot');
    await browser.post('/forgot').type('form').send({ _csrf: forgotToken, email: user.email });
    await settleResetRequests();
    await deliverUntilIdle();
    const link = linkIn((await getTestSmtp().waitFor((m) => m.to.includes(user.email))).text, '/reset');
    const resetToken = await csrfFrom(browser, link);
    const done = await browser
      .post(link)
      .type('form')
      .send({ _csrf: resetToken, password: 'another-good-password', passwordConfirm: 'another-good-password' });
    expect(done.status).to.equal(302);
    expect(await signedIn(laptop), 'laptop still signed in').to.equal(false);
    expect(await signedIn(phone), 'phone still signed in').to.equal(false);
    await signIn(app, user, 'another-good-password');
  });

  it('a role change signs the user out everywhere; the administrator stays signed in', async () => {
    const admin = await createUser({ role: 'admin' });
    const pro = await createUser({ role: 'professional' });
    const proAgent = await signIn(app, pro);
    const adminAgent = await signIn(app, admin);
    const res = await postForm(adminAgent, `/admin/users/${String(pro._id)}/role`, { role: 'manager' }, '/admin/users');
    expect(res.status).to.equal(302);
    expect(await signedIn(proAgent)).to.equal(false);
    expect(await signedIn(adminAgent)).to.equal(true);
    const again = await signIn(app, pro);
    expect(await signedIn(again)).to.equal(true);
  });

  it('a deactivation ends the sessions for good: reactivating the account does not bring them back', async () => {
    const admin = await createUser({ role: 'admin' });
    const pro = await createUser({ role: 'professional' });
    const proAgent = await signIn(app, pro);
    const adminAgent = await signIn(app, admin);
    await postForm(adminAgent, `/admin/users/${String(pro._id)}/deactivate`, {}, '/admin/users');
    expect(await signedIn(proAgent)).to.equal(false);
    await postForm(adminAgent, `/admin/users/${String(pro._id)}/reactivate`, {}, '/admin/users');
    expect(await signedIn(proAgent), 'the old session came back').to.equal(false);
    expect(await signedIn(await signIn(app, pro))).to.equal(true);
  });

  it('"sign out everywhere" on the profile ends the other sessions and keeps this one, under a new id', async () => {
    const user = await createUser({ locale: 'en' });
    const other = await signIn(app, user);
    const here = await signIn(app, user);
    const page = await here.get('/profile');
    expect(page.text).to.contain('Sign out everywhere else');
    const res = await postForm(here, '/profile/sessions/end', {}, '/profile');
    expect(res.status).to.equal(302);
    expect(String(res.headers['set-cookie'] ?? '')).to.match(/passerelle\.sid=/);
    const after = await here.get('/profile');
    expect(after.status).to.equal(200);
    expect(after.text).to.contain('Your other sessions have been signed out.');
    expect(await signedIn(other)).to.equal(false);
  });

  it('a password change on the profile ends the other sessions and keeps this one', async () => {
    const user = await createUser({ locale: 'en' });
    const other = await signIn(app, user);
    const here = await signIn(app, user);
    const res = await postForm(
      here,
      '/profile/password',
      { currentPassword: PASSWORD, password: 'a-fresh-long-passphrase', passwordConfirm: 'a-fresh-long-passphrase' },
      '/profile',
    );
    expect(res.status).to.equal(302);
    expect(await signedIn(other)).to.equal(false);
    expect(await signedIn(here)).to.equal(true);
    await signIn(app, user, 'a-fresh-long-passphrase');
  });

  it('a wrong current password changes nothing and ends no session', async () => {
    const user = await createUser({ locale: 'en' });
    const other = await signIn(app, user);
    const here = await signIn(app, user);
    const res = await postForm(
      here,
      '/profile/password',
      { currentPassword: 'not-the-password', password: 'a-fresh-long-passphrase', passwordConfirm: 'a-fresh-long-passphrase' },
      '/profile',
    );
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('The current password is incorrect.');
    expect(await signedIn(other)).to.equal(true);
    await signIn(app, user, PASSWORD);
  });
});
