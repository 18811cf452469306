import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { makeApp, signIn, type Agent } from '../helpers/app.js';
import { crawl, pageProblems, shapeOf } from '../helpers/crawl.js';
import { clearDatabase } from '../helpers/db.js';
import { buildPortfolio, type Portfolio } from '../helpers/portfolio.js';

// Every page a person can reach by following links from the home page (and the archived partners, an import), as each role, with the demo
// portfolio: none answers 500, and none shows a template placeholder or a translation key instead
// of text. Bounded: at most MAX pages per role, a few of each URL shape.
const MAX = 200;
const PER_SHAPE = 3;
describe('crawl: every reachable page, as each role, with the demo portfolio', function () {
  this.timeout(120_000);
  let app: Express;
  let portfolio: Portfolio;

  before(async () => {
    app = await makeApp();
    await clearDatabase();
    portfolio = await buildPortfolio();
  });

  for (const role of ['admin', 'manager', 'professional'] as const) {
    it(`as ${role}: no page answers 500 or shows a raw key`, async () => {
      const agent: Agent = await signIn(app, portfolio[role]);
      const { pages } = await crawl(agent, portfolio.memberPages, { max: MAX, perShape: PER_SHAPE });
      if (process.env.CRAWL_DEBUG) console.log(role, pages.length, [...new Set(pages.map((p) => shapeOf(p.url).split('?')[0]))].join(' '));
      const html = pages.filter((p) => p.status === 200 && p.type.includes('text/html'));
      // Sanity: the crawl really went through the app (lists, records, forms), not just the home page.
      expect(html.length, 'pages read').to.be.greaterThan(role === 'admin' ? 40 : 25);
      expect(pages.some((p) => /^\/partners\/[a-f0-9]{24}$/.test(p.url))).to.equal(true);
      expect(pages.some((p) => /^\/agreements\/[a-f0-9]{24}$/.test(p.url))).to.equal(true);
      expect(pages.some((p) => /^\/meetings\/[a-f0-9]{24}$/.test(p.url))).to.equal(true);
      expect(pages.flatMap(pageProblems)).to.deep.equal([]);
    });
  }

  it('as a visitor without an account (sign-in, reset, invitation and partner links): no 500, no raw key', async () => {
    const anonymous = supertest.agent(app);
    const { pages } = await crawl(anonymous, portfolio.publicPages, { max: 60, perShape: PER_SHAPE });
    expect(pages.filter((p) => p.status === 200).length).to.be.at.least(portfolio.publicPages.length);
    expect(pages.flatMap(pageProblems)).to.deep.equal([]);
  });
});
