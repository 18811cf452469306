import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { makeApp, signIn } from '../helpers/app.js';
import { crawl, visibleText } from '../helpers/crawl.js';
import { clearDatabase } from '../helpers/db.js';
import { dataRemover, langOf, languageProblems, storedStrings, type Lang } from '../helpers/language-checks.js';
import { buildPortfolio, type Portfolio } from '../helpers/portfolio.js';
import { UserModel } from '../../src/users/model.js';

// Every reachable page as each role in each language, read as a native reader would: no code in
// place of a word, the language's own colon, words and numbers. What people typed (names, titles,
// notes) is theirs, in whatever language: it is taken out of the text before the checks.
const MAX = 160;
const PER_SHAPE = 2;

describe('language: every page as a native reader of each language would read it', function () {
  this.timeout(240_000);
  let app: Express;
  let portfolio: Portfolio;
  let withoutData: (text: string) => string;
  // Column names and other identifiers a person types are shown as code, and are not prose.
  // Table cells are read apart (« 7,5 » beside « 15 » is not « 7,515 »).
  const prose = (html: string) => withoutData(visibleText(html.replace(/<code>[\s\S]*?<\/code>/g, '').replace(/<\/t[dh]>/g, '$& ')));
  const problemsOf = (p: { url: string; text: string }) => {
    const found = languageProblems(prose(p.text), langOf(p.text)).map((m) => `${p.url}: ${m}`);
    if (process.env.LANG_DEBUG) for (const f of found) console.log(f);
    return found;
  };

  before(async () => {
    app = await makeApp();
    await clearDatabase();
    portfolio = await buildPortfolio();
    withoutData = dataRemover(await storedStrings());
  });

  for (const lang of ['en', 'fr'] as Lang[])
    for (const role of ['admin', 'manager', 'professional'] as const)
      it(`as ${role} in ${lang}: no code, foreign word, colon or number form of the other language`, async () => {
        await UserModel.updateOne({ _id: portfolio[role]._id }, { $set: { locale: lang } });
        const agent = await signIn(app, portfolio[role]);
        const { pages } = await crawl(agent, portfolio.memberPages, { max: MAX, perShape: PER_SHAPE });
        const html = pages.filter((p) => p.status === 200 && p.type.includes('text/html'));
        expect(html.length, 'pages read').to.be.greaterThan(20);
        // A printed agreement is in the agreement's own language: each page is read in the one it declares.
        expect(html.filter((p) => langOf(p.text) !== lang && !/\/print$/.test(p.url)).map((p) => p.url)).to.deep.equal([]);
        expect(html.flatMap(problemsOf)).to.deep.equal([]);
      });

  for (const lang of ['en', 'fr'] as Lang[])
    it(`as a visitor in ${lang}: the public pages read in that language`, async () => {
      const anonymous = supertest.agent(app);
      const { pages } = await crawl(
        anonymous,
        portfolio.publicPages.map((u) => `${u}${u.includes('?') ? '&' : '?'}lang=${lang}`),
        {
          max: 40,
          perShape: PER_SHAPE,
        },
      );
      const html = pages.filter((p) => p.status === 200 && p.type.includes('text/html'));
      expect(html.filter((p) => langOf(p.text) !== lang).map((p) => p.url)).to.deep.equal([]);
      expect(html.flatMap(problemsOf)).to.deep.equal([]);
    });
});
