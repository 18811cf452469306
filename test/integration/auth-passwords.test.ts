import { expect } from 'chai';
import supertest from 'supertest';
import type { Express } from 'express';
import { makeApp, createUser, csrfFrom, postForm, signIn, PASSWORD, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { UserModel } from '../../src/users/model.js';
import { issueToken, peekToken } from '../../src/users/tokens.js';

// Every form that sets a password asks the same policy (src/auth/password-policy.ts): a refused
// password is a 422 with the message on the field, in the user's language, and changes nothing.
async function submit(app: Express, path: string, fields: Record<string, string>, lang = 'en') {
  const agent: Agent = supertest.agent(app);
  const _csrf = await csrfFrom(agent, path);
  return agent
    .post(path)
    .set('Accept-Language', lang)
    .type('form')
    .send({ ...fields, _csrf });
}
const twice = (password: string) => ({ password, passwordConfirm: password });
const hashOf = async (id: unknown) => (await UserModel.findById(id, { passwordHash: 1 }).lean())?.passwordHash;

describe('password policy on every form', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  it('setup refuses a repeated character and the administrator’s own name, and creates nothing', async () => {
    const base = { name: 'Ada Lovelace', email: 'ada@example.org', locale: 'en' };
    const weak = await submit(app, '/setup', { ...base, ...twice('aaaaaaaaaaaa') });
    expect(weak.status).to.equal(422);
    expect(weak.text).to.contain('This password is too easy to guess');
    expect(weak.text).to.contain('value="Ada Lovelace"');
    const personal = await submit(app, '/setup', { ...base, ...twice('lovelace-is-great') }, 'fr');
    expect(personal.status).to.equal(422);
    expect(personal.text).to.contain('Le mot de passe ne doit contenir ni votre nom ni votre adresse courriel.');
    expect(await UserModel.countDocuments({})).to.equal(0);
    expect(weak.text).to.contain('data-password-meter');
    expect(weak.text).to.contain('src="/public/js/password-meter.js"');
  });

  it('the invitation refuses a short password and one with the invitee’s name; the link stays usable', async () => {
    await createUser({ role: 'admin' });
    const invitee = await UserModel.create({
      name: 'Ivy Nguyen',
      email: 'ivy.nguyen@example.org',
      role: 'manager',
      status: 'invited',
      locale: 'fr',
    });
    const token = await issueToken(invitee._id, 'invite');
    const page = await supertest(app).get(`/invite/${token}`);
    expect(page.text).to.contain('data-password-meter');
    expect(page.text).to.contain('nguyen');
    const short = await submit(app, `/invite/${token}`, twice('1111111111'), 'fr');
    expect(short.status).to.equal(422);
    expect(short.text).to.contain('Le mot de passe doit compter au moins 12 caractères.');
    const personal = await submit(app, `/invite/${token}`, twice('nguyen-family-2024'));
    expect(personal.status).to.equal(422);
    expect(personal.text).to.contain('The password must not contain your name or your email address.');
    expect(await peekToken(token, 'invite')).to.not.equal(null);
    expect((await UserModel.findById(invitee._id).lean())?.status).to.equal('invited');
    expect((await submit(app, `/invite/${token}`, twice('a-brand-new-password'))).status).to.equal(302);
  });

  it('the reset refuses one of the commonest passwords and keeps the old password and the link', async () => {
    const user = await createUser({ locale: 'en' });
    const before = await hashOf(user._id);
    const token = await issueToken(user._id, 'reset');
    const common = await submit(app, `/reset/${token}`, twice('password1234'));
    expect(common.status).to.equal(422);
    expect(common.text).to.contain('This is one of the most common passwords: choose another one.');
    expect(common.text).to.contain('aria-invalid="true"');
    expect(await hashOf(user._id)).to.equal(before);
    expect(await peekToken(token, 'reset')).to.not.equal(null);
    await signIn(app, user, PASSWORD);
  });

  it('the profile’s password change refuses a weak password and keeps the old one', async () => {
    const user = await createUser({ locale: 'en' });
    const agent = await signIn(app, user);
    const before = await hashOf(user._id);
    const profile = await agent.get('/profile');
    expect(profile.text).to.contain('data-password-meter');
    const res = await postForm(agent, '/profile/password', { currentPassword: PASSWORD, ...twice('abcdefghijkl') }, '/profile');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('This password is too easy to guess');
    const mismatch = await postForm(
      agent,
      '/profile/password',
      { currentPassword: PASSWORD, password: 'x'.repeat(3), passwordConfirm: 'y' },
      '/profile',
    );
    expect(mismatch.status).to.equal(422);
    expect(await hashOf(user._id)).to.equal(before);
  });
});
