import { expect } from 'chai';
import supertest from 'supertest';
import type { Express } from 'express';
import { makeApp, createUser, csrfFrom, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { getTestSmtp } from '../helpers/smtp.js';
import { SettingModel } from '../../src/settings/model.js';
import { OutboxModel } from '../../src/reminders/outbox.model.js';
import { backoffMs, deliverUntilIdle } from '../../src/reminders/deliver.js';
import { hashToken, issueToken, peekToken } from '../../src/users/tokens.js';
import { RESET_MAILS_PER_ACCOUNT, RESET_REQUESTS_PER_ADDRESS, settleResetRequests } from '../../src/users/reset-requests.js';

// "Forgot my password": the same answer, in the same time, for every address (the mail goes through
// the outbox after the answer), and a bounded number of mails per account and per client address.
const sameForm = (html: string): string => html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');
const settle = async (): Promise<void> => {
  await settleResetRequests();
  await deliverUntilIdle();
};

describe('password reset requests', () => {
  let app: Express;
  let agent: Agent;
  let _csrf: string;
  const ask = (email: string) => agent.post('/forgot').set('Accept-Language', 'en').type('form').send({ _csrf, email });

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
    await SettingModel.create({ key: 'setup.completed', value: new Date() });
    agent = supertest.agent(app);
    _csrf = await csrfFrom(agent, '/forgot');
  });

  it('answers a known and an unknown address with the same page', async () => {
    const user = await createUser({ locale: 'en' });
    const known = await ask(user.email);
    const unknown = await ask('nobody@example.org');
    expect(known.status).to.equal(200);
    expect(unknown.status).to.equal(200);
    expect(sameForm(known.text)).to.equal(sameForm(unknown.text));
    expect(known.text).to.contain('If an account uses this email, a link to reset the password is on its way.');
    await settle();
    await getTestSmtp().waitFor((m) => m.to.includes(user.email));
    await new Promise((r) => setTimeout(r, 200));
    expect(getTestSmtp().messages.filter((m) => m.to.includes('nobody@example.org'))).to.have.length(0);
  });

  it('does not wait for the mail: with the SMTP server refusing, the answer is the same, and the outbox retries', async () => {
    const user = await createUser({ locale: 'en' });
    const unknown = await ask('nobody@example.org');
    getTestSmtp().failNext(1, 451);
    const known = await ask(user.email);
    expect(known.status, 'the known address waited for the refused delivery').to.equal(200);
    expect(sameForm(known.text)).to.equal(sameForm(unknown.text));
    await settleResetRequests();
    const queued = await OutboxModel.findOne({ kind: 'password_reset', to: user.email }).lean();
    expect(queued?.state).to.equal('pending');
    expect(queued?.attempts).to.equal(1);
    expect(queued?.lastError).to.match(/451/);
    await deliverUntilIdle({ now: new Date(Date.now() + backoffMs(1) + 1000) });
    const mail = await getTestSmtp().waitFor((m) => m.to.includes(user.email));
    expect(mail.subject).to.equal('Reset your Passerelle password');
  });

  it(`sends at most ${RESET_MAILS_PER_ACCOUNT} mails to one account for 15 requests, and the last link works`, async () => {
    const user = await createUser({ locale: 'en' });
    for (let i = 0; i < 15; i++) expect((await ask(user.email)).status).to.equal(200);
    await settle();
    await new Promise((r) => setTimeout(r, 300));
    const mails = getTestSmtp().messages.filter((m) => m.to.includes(user.email));
    expect(mails).to.have.length(RESET_MAILS_PER_ACCOUNT);
    expect(await OutboxModel.countDocuments({ kind: 'password_reset' })).to.equal(RESET_MAILS_PER_ACCOUNT);
    const links = mails.map((m) => new URL(/https?:\/\/\S+\/reset\/[A-Za-z0-9_-]+/.exec(m.text)![0]).pathname);
    const live = await Promise.all(links.map(async (l) => (await supertest(app).get(l)).status));
    expect(
      live.filter((s) => s === 200),
      'exactly one live link, the newest',
    ).to.have.length(1);
  });

  it('links issued at the same moment for one account leave exactly one live, the last issued', async () => {
    const user = await createUser({ locale: 'en' });
    for (let round = 0; round < 5; round++) {
      const tokens = await Promise.all([1, 2, 3, 4].map(() => issueToken(user._id, 'reset')));
      const live = (await Promise.all(tokens.map((t) => peekToken(t, 'reset')))).filter(Boolean);
      expect(live, `round ${round}: live links`).to.have.length(1);
      expect(live[0]!.tokenHash, `round ${round}: the live link`).to.equal(hashToken(tokens[3]!));
    }
  });

  it(`refuses more than ${RESET_REQUESTS_PER_ADDRESS} requests an hour from one address, whatever the email`, async () => {
    const user = await createUser({ locale: 'en' });
    for (let i = 0; i < RESET_REQUESTS_PER_ADDRESS; i++) expect((await ask(`someone${i}@example.org`)).status).to.equal(200);
    const refused = await ask(user.email);
    expect(refused.status).to.equal(429);
    expect(refused.headers['retry-after']).to.match(/^\d+$/);
    expect(refused.text).to.contain('Too many reset requests from your network. Try again in 60 minutes.');
    expect((await ask('another@example.org')).status).to.equal(429);
    await settle();
    expect(await OutboxModel.countDocuments({ to: user.email })).to.equal(0);
  });
});
