import { expect } from 'chai';
import supertest from 'supertest';
import type { Express } from 'express';
import { makeApp, createUser, csrfFrom, signIn, postForm, PASSWORD } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { UserModel } from '../../src/users/model.js';
import { SettingModel } from '../../src/settings/model.js';
import { LoginFailureModel } from '../../src/auth/throttle.model.js';
import { settleResetRequests } from '../../src/users/reset-requests.js';

const linkIn = (text: string, path: string): string => {
  const m = new RegExp(`https?://[^\\s"]+${path}/[A-Za-z0-9_-]+`).exec(text);
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return new URL(m[0]).pathname;
};

describe('setup of the first administrator', () => {
  let app: Express;
  beforeEach(async () => {
    await clearDatabase();
    app = await makeApp();
  });

  it('redirects every page to setup when no administrator exists', async () => {
    const res = await supertest(app).get('/').set('Accept', 'text/html');
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/setup');
  });

  it('creates the administrator once, signs them in, then the page is gone for good', async () => {
    const agent = supertest.agent(app);
    const _csrf = await csrfFrom(agent, '/setup');
    const res = await agent
      .post('/setup')
      .type('form')
      .send({ _csrf, name: 'Ada Admin', email: 'Ada@Example.org', password: PASSWORD, passwordConfirm: PASSWORD, locale: 'fr' });
    expect(res.status).to.equal(302);
    const admin = await UserModel.findOne({ email: 'ada@example.org' }).lean();
    expect(admin?.role).to.equal('admin');
    expect(admin?.passwordHash).to.match(/^\$argon2id\$/);
    const home = await agent.get('/');
    expect(home.status).to.equal(200);
    expect(home.text).to.contain('Ada Admin');

    expect((await supertest(app).get('/setup')).status).to.equal(404);
    const again = await agent
      .post('/setup')
      .type('form')
      .send({
        _csrf: await csrfFrom(agent, '/profile'),
        name: 'Eve',
        email: 'eve@example.org',
        password: PASSWORD,
        passwordConfirm: PASSWORD,
        locale: 'en',
      });
    expect(again.status).to.equal(404);
    expect(await UserModel.countDocuments({})).to.equal(1);
  });

  it('refuses bad input with field errors, keeps the input and stores nothing', async () => {
    const agent = supertest.agent(app);
    const _csrf = await csrfFrom(agent, '/setup');
    const res = await agent
      .post('/setup')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf, name: 'Ada <b>', email: 'not-an-email', password: 'short', passwordConfirm: 'other', locale: 'en' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('There are 3 problems with this form');
    expect(res.text).to.contain('Enter an email address like name@example.org.');
    expect(res.text).to.contain('value="not-an-email"');
    expect(res.text).to.contain('value="Ada &lt;b&gt;"');
    expect(res.text).to.contain('aria-invalid="true"');
    expect(await UserModel.countDocuments({})).to.equal(0);
    expect(await SettingModel.countDocuments({})).to.equal(0);
  });
});

describe('sign-in', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  it('signs in with the right password and regenerates the session id', async () => {
    const user = await createUser();
    const agent = supertest.agent(app);
    const _csrf = await csrfFrom(agent, '/login');
    const before = await agent.get('/login');
    const cookieBefore = String(before.headers['set-cookie'] ?? '');
    const res = await agent.post('/login').type('form').send({ email: user.email, password: PASSWORD, _csrf });
    expect(res.status).to.equal(302);
    const cookieAfter = String(res.headers['set-cookie'] ?? '');
    expect(cookieAfter).to.match(/passerelle\.sid=/);
    expect(cookieAfter).to.match(/HttpOnly/i);
    expect(cookieAfter).to.match(/SameSite=Lax/i);
    expect(cookieAfter).to.not.equal(cookieBefore);
    expect((await agent.get('/profile')).status).to.equal(200);
  });

  it('refuses a wrong password with a clear message', async () => {
    const user = await createUser();
    const agent = supertest.agent(app);
    const _csrf = await csrfFrom(agent, '/login');
    const res = await agent
      .post('/login')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ email: user.email, password: 'wrong-password-123', _csrf });
    expect(res.status).to.equal(401);
    expect(res.text).to.contain('The email or password is incorrect.');
    expect((await agent.get('/profile')).status).to.equal(302);
  });

  it('blocks an account after repeated failures, and the block survives in the database', async () => {
    const user = await createUser();
    const agent = supertest.agent(app);
    const _csrf = await csrfFrom(agent, '/login');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const r = await agent
        .post('/login')
        .type('form')
        .send({ email: user.email, password: `wrong-${i}-password`, _csrf });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
    expect(statuses[5]).to.equal(429);
    // Even the right password is refused while blocked, and a new app (a restart) still knows.
    const restarted = await makeApp();
    const other = supertest.agent(restarted);
    const token = await csrfFrom(other, '/login');
    const r = await other
      .post('/login')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ email: user.email, password: PASSWORD, _csrf: token });
    expect(r.status).to.equal(429);
    expect(r.text).to.match(/Too many failed attempts/);
    expect(await LoginFailureModel.countDocuments({ key: `account:${user.email}` })).to.equal(5);
  });

  it('rejects a state-changing request without or with a wrong CSRF token', async () => {
    const user = await createUser();
    const agent = await signIn(app, user);
    const missing = await agent.post('/profile').type('form').send({ name: 'Changed', locale: 'en', timezone: 'UTC' });
    expect(missing.status).to.equal(403);
    const wrong = await agent.post('/profile').type('form').send({ name: 'Changed', locale: 'en', timezone: 'UTC', _csrf: 'forged-token' });
    expect(wrong.status).to.equal(403);
    expect((await UserModel.findById(user._id).lean())?.name).to.not.equal('Changed');
  });

  it('logs out and destroys the session', async () => {
    const user = await createUser();
    const agent = await signIn(app, user);
    const res = await postForm(agent, '/logout', {}, '/profile');
    expect(res.status).to.equal(302);
    expect((await agent.get('/profile')).headers.location).to.equal('/login');
  });
});

describe('roles, invitations, deactivation and password reset', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
  });

  it('gives a 403 page to a professional on an administrator page, and a 404 page to an unknown id', async () => {
    const pro = await createUser({ role: 'professional' });
    const agent = await signIn(app, pro);
    const res = await agent.get('/admin/users').set('Accept', 'text/html');
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('<h1>Not allowed</h1>');
    const admin = await createUser({ role: 'admin' });
    const adminAgent = await signIn(app, admin);
    const missing = await postForm(adminAgent, '/admin/users/not-an-id/deactivate', {}, '/admin/users');
    expect(missing.status).to.equal(404);
  });

  it('invites by email; the invitee sets a password through the link once, then signs in', async () => {
    const admin = await createUser({ role: 'admin', name: 'Grace Admin' });
    const agent = await signIn(app, admin);
    const res = await postForm(
      agent,
      '/admin/users/invite',
      { name: 'Ivy Invitee', email: 'ivy@example.org', role: 'manager', locale: 'fr' },
      '/admin/users/invite',
    );
    expect(res.status).to.equal(302);
    const mail = await getTestSmtp().waitFor((m) => m.to.includes('ivy@example.org'));
    expect(mail.subject).to.equal('Vous êtes invité dans Passerelle');
    expect(mail.text).to.contain('Grace Admin');
    const link = linkIn(mail.text, '/invite');

    const invitee = supertest.agent(app);
    const _csrf = await csrfFrom(invitee, link);
    const accepted = await invitee
      .post(link)
      .type('form')
      .send({ _csrf, password: 'a-brand-new-password', passwordConfirm: 'a-brand-new-password' });
    expect(accepted.status).to.equal(302);
    expect((await invitee.get('/profile')).status).to.equal(200);
    expect((await UserModel.findOne({ email: 'ivy@example.org' }).lean())?.status).to.equal('active');

    const reused = await supertest(app).get(link);
    expect(reused.status).to.equal(410);
    await signIn(app, { email: 'ivy@example.org' }, 'a-brand-new-password');
  });

  it('refuses to invite an email that is already used, with the form kept', async () => {
    const admin = await createUser({ role: 'admin', email: 'taken@example.org' });
    const agent = await signIn(app, admin);
    const res = await postForm(
      agent,
      '/admin/users/invite',
      { name: 'Dup', email: 'TAKEN@example.org', role: 'manager', locale: 'en' },
      '/admin/users/invite',
    );
    expect(res.status).to.equal(303);
    const page = await agent.get('/admin/users').set('Accept-Language', 'en');
    expect(page.text).to.contain('A user with this email already exists.');
    expect(await UserModel.countDocuments({ email: 'taken@example.org' })).to.equal(1);
  });

  it('signs a deactivated user out at their next request', async () => {
    const admin = await createUser({ role: 'admin' });
    const pro = await createUser({ role: 'professional' });
    const proAgent = await signIn(app, pro);
    expect((await proAgent.get('/profile')).status).to.equal(200);
    const adminAgent = await signIn(app, admin);
    const res = await postForm(adminAgent, `/admin/users/${String(pro._id)}/deactivate`, {}, '/admin/users');
    expect(res.status).to.equal(302);
    const after = await proAgent.get('/profile');
    expect(after.status).to.equal(302);
    expect(after.headers.location).to.equal('/login');
    const relogin = supertest.agent(app);
    const _csrf = await csrfFrom(relogin, '/login');
    expect((await relogin.post('/login').type('form').send({ email: pro.email, password: PASSWORD, _csrf })).status).to.equal(401);
  });

  it('resets a password by email with a single-use link', async () => {
    const user = await createUser({ locale: 'en' });
    const agent = supertest.agent(app);
    let _csrf = await csrfFrom(agent, '/forgot');
    expect((await agent.post('/forgot').type('form').send({ _csrf, email: user.email })).status).to.equal(200);
    await settleResetRequests();
    const mail = await getTestSmtp().waitFor((m) => m.to.includes(user.email));
    expect(mail.subject).to.equal('Reset your Passerelle password');
    const link = linkIn(mail.text, '/reset');
    _csrf = await csrfFrom(agent, link);
    const done = await agent
      .post(link)
      .type('form')
      .send({ _csrf, password: 'another-good-password', passwordConfirm: 'another-good-password' });
    expect(done.status).to.equal(302);
    await signIn(app, user, 'another-good-password');
    const again = await agent
      .post(link)
      .type('form')
      .send({ _csrf: await csrfFrom(agent, '/login'), password: 'third-password-xyz', passwordConfirm: 'third-password-xyz' });
    expect(again.status).to.equal(410);
  });

  it('answers the same to an unknown email and sends nothing', async () => {
    const agent = supertest.agent(app);
    const _csrf = await csrfFrom(agent, '/forgot');
    expect((await agent.post('/forgot').type('form').send({ _csrf, email: 'nobody@example.org' })).status).to.equal(200);
    await settleResetRequests();
    await new Promise((r) => setTimeout(r, 200));
    expect(getTestSmtp().messages.filter((m) => m.to.includes('nobody@example.org'))).to.have.length(0);
  });
});

describe('languages', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
    await clearDatabase();
    await createUser();
  });

  it('renders in French or English from Accept-Language before sign-in', async () => {
    const fr = await supertest(app).get('/login').set('Accept-Language', 'fr-CA,fr;q=0.9');
    expect(fr.text).to.contain('<html lang="fr">');
    expect(fr.text).to.contain('Se connecter');
    const en = await supertest(app).get('/login').set('Accept-Language', 'en-US,en;q=0.9');
    expect(en.text).to.contain('<html lang="en">');
    expect(en.text).to.contain('Forgot your password?');
  });

  it("uses the signed-in user's own language over the browser's", async () => {
    const user = await createUser({ locale: 'fr' });
    const agent = await signIn(app, user);
    const res = await agent.get('/profile').set('Accept-Language', 'en');
    expect(res.text).to.contain('Mon profil');
  });
});
