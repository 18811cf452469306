import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { browserSuite } from '../helpers/browser-suite.js';
import { createUser, PASSWORD, type TestUser } from '../helpers/app.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { PartnerModel } from '../../src/partners/model.js';

/** What the focused element is, as a keyboard user meets it. */
interface Focused {
  tag: string;
  name: string;
  text: string;
  href: string;
  value: string;
  /** A visible focus indicator: an outline or a box shadow. */
  indicated: boolean;
}

// Runs in the page (a string: the project compiles without the DOM library).
const describeFocus = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute('name') || '',
    text: (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 80),
    href: el.getAttribute('href') || '',
    value: el.value || '',
    indicated: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none',
  };
})()`;
const focused = (page: Page): Promise<Focused | null> => page.evaluate<Focused | null>(describeFocus);

/** Presses Tab until the focused element is the one wanted; fails naming every stop on the way. */
async function tabTo(page: Page, wanted: (f: Focused) => boolean, what: string, max = 150): Promise<Focused> {
  const stops: string[] = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && wanted(f)) {
      expect(f.indicated, `${what} shows where the focus is`).to.equal(true);
      return f;
    }
    stops.push(f ? `${f.tag}[${f.name || f.href || f.text}]` : '(page)');
  }
  throw new Error(`${what}: not reached with Tab; stops were: ${stops.join(' · ')}`);
}

const field = (name: string) => (f: Focused) => f.name === name;
const link = (href: RegExp) => (f: Focused) => f.tag === 'a' && href.test(f.href);

describe('browser: the main flow with the keyboard only (partner → agreement → meeting)', function () {
  this.timeout(90_000);
  const env = browserSuite('en-CA');
  let user: TestUser;

  before(async () => {
    user = await createUser({ role: 'professional', locale: 'en', name: 'Kim Keys' });
  });

  it('signs in, creates a partner, drafts its agreement and schedules a meeting, with Tab, typing and Enter', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.server.url}/login`);

    // The first stop skips the navigation.
    const first = await tabTo(page, () => true, 'the first Tab stop', 1);
    expect(first.text).to.equal('Skip to content');

    await tabTo(page, field('email'), 'the email field');
    await page.keyboard.type(user.email);
    await tabTo(page, field('password'), 'the password field');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/');

    // Partners, then New partner.
    await tabTo(page, link(/^\/partners$/), 'Partners in the navigation');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/partners');
    await tabTo(page, link(/^\/partners\/new$/), 'the New partner link');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/partners/new');

    await tabTo(page, field('name'), 'the name field');
    await page.keyboard.type('Centre Clavier');
    const type = await tabTo(page, field('type'), 'the type list');
    await page.keyboard.type('School'); // a closed list's type-ahead
    expect((await focused(page))!.value, 'the type changed from the keyboard')
      .to.equal('school')
      .and.not.equal(type.value);
    await tabTo(page, field('contactName'), 'the contact name field');
    await page.keyboard.type('Hélène Roy');
    await tabTo(page, field('contactEmail'), 'the contact email field');
    await page.keyboard.type('helene.roy@example.org');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Centre Clavier' }).waitFor();

    // An agreement for this partner, from its page.
    await tabTo(page, link(/^\/agreements\/new\?partnerId=/), 'New agreement on the partner page');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/agreements/new');
    await tabTo(page, field('title'), 'the agreement title field');
    await page.keyboard.type('Stages pour les finissants');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Stages pour les finissants' }).waitFor();

    // A meeting, from the agreement's page.
    await tabTo(page, link(/^\/meetings\/new\?agreementId=/), 'Schedule a meeting on the agreement page');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/meetings/new');
    await tabTo(page, field('title'), 'the meeting title field');
    await page.keyboard.type('Rencontre de démarrage');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Rencontre de démarrage' }).waitFor();

    const partner = await PartnerModel.findOne({ name: 'Centre Clavier' }).lean();
    expect(partner, 'the partner is stored').to.not.equal(null);
    expect(partner!.type).to.equal('school');
    expect(partner!.contacts.map((c) => c.email)).to.deep.equal(['helene.roy@example.org']);
    const agreement = await AgreementModel.findOne({ title: 'Stages pour les finissants' }).lean();
    expect(agreement!.partnerIds.map(String)).to.deep.equal([String(partner!._id)]);
    const meeting = await MeetingModel.findOne({ title: 'Rencontre de démarrage' }).lean();
    expect(String(meeting!.partnerId)).to.equal(String(partner!._id));
    expect(String(meeting!.agreementId)).to.equal(String(agreement!._id));
    expect(env.browser.consoleErrors(page)).to.deep.equal([]);
  });
});
