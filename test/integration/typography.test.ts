import { expect } from 'chai';
import type { Express } from 'express';
import { makeApp, createUser, signIn } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';

/** The page's text without its markup, scripts and styles. */
const textOf = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, '\u00a0');

describe('typography: a colon as each language writes it', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  it('has no space before a colon in English and a narrow no-break space before it in French', async () => {
    const user = await createUser({ role: 'admin', locale: 'en' });
    const agent = await signIn(app, user);
    const lead = await makePartner(user, 'Centre Accueil');
    const en = await fullAgreement(user, [lead], { language: 'en' });
    const fr = await fullAgreement(user, [lead], { language: 'fr' });
    for (const path of [`/agreements/${String(en._id)}`, `/agreements/${String(en._id)}/print`]) {
      const text = textOf((await agent.get(path)).text);
      expect(text, path).to.contain('Total:');
      expect(text, path).not.to.match(/\S[ \u00a0\u202f]:/);
    }
    const print = textOf((await agent.get(`/agreements/${String(fr._id)}/print`)).text);
    expect(print).to.contain('Total\u202f:');
    expect(print).not.to.match(/\p{L} :/u);
  });
});
