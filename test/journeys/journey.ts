// What every step of the journey shares: the browser page, the people and what they created, and the
// checks made on every page a person reads (the run's language, no raw i18n key, no console error).
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Cookie, Page } from 'playwright-core';
import type { TestBrowser } from '../helpers/browser.js';
import { devOutboxMailer, mailer, type Mailer } from '../../src/mail/transport.js';
import { otherLanguage, words, type Lang, type Words } from './words.js';

export interface Person {
  name: string;
  email: string;
  password: string;
}
export interface Contact {
  name: string;
  email: string;
}

export interface Journey {
  lang: Lang;
  w: Words;
  url: string;
  browser: TestBrowser;
  page: Page;
  admin: Person;
  manager: Person;
  pro: Person;
  contacts: [Contact, Contact];
  partner: string;
  partnerId: string;
  agreementTitle: string;
  agreementId: string;
  renewalId: string;
  /** Each person's session cookies once they have signed in. */
  sessions: Map<string, Cookie[]>;
}

export function newJourney(lang: Lang, url: string, browser: TestBrowser, page: Page): Journey {
  // Passwords the policy accepts: 12+ characters, strong, without the app's or the person's name.
  const person = (name: string, email: string, password: string): Person => ({ name, email: `${email}.${lang}@example.org`, password });
  return {
    lang,
    w: words[lang],
    url,
    browser,
    page,
    admin: person('Adèle Fortin', 'adele', 'Quartz-violon-71-hibou'),
    manager: person('Mona Gagnon', 'mona', 'Tilleul-orage-47-cerf'),
    pro: person('Paul Tremblay', 'paul', 'Grenade-sextant-93-lynx'),
    contacts: [
      { name: 'Hélène Roy', email: `helene.${lang}@horizon.example` },
      { name: 'Samir Haddad', email: `samir.${lang}@horizon.example` },
    ],
    partner: lang === 'fr' ? 'Centre Horizon emploi' : 'Horizon Job Centre',
    partnerId: '',
    agreementTitle: lang === 'fr' ? 'Entente emploi des nouveaux arrivants' : 'Newcomer employment agreement',
    agreementId: '',
    renewalId: '',
    sessions: new Map(),
  };
}

const namespaces = fs.readdirSync(path.resolve(import.meta.dirname, '../../locales/en')).map((f) => f.replace(/\.json$/, ''));
// A key of a catalog (partners:list.title), or any code of that shape shown as is (an audit action).
export const rawKey = new RegExp(`\\b(${namespaces.join('|')}):[a-zA-Z]|\\b[a-z]+:[a-z]+-[a-z]+\\b`);

/** The page as its reader sees it: in the run's language, without a raw key or a placeholder left. */
export async function readPage(j: Journey): Promise<string> {
  const { page } = j;
  expect(await page.locator('html').getAttribute('lang'), page.url()).to.equal(j.lang);
  const text = await page.locator('body').innerText();
  expect(text, `${page.url()}: raw i18n key`).to.not.match(rawKey);
  expect(text, `${page.url()}: placeholder left`).to.not.contain('{{');
  expect(text, `${page.url()}: words of the other language`).to.not.match(otherLanguage[j.lang]);
  expect(j.browser.consoleErrors(page), page.url()).to.deep.equal([]);
  return text;
}

/** Waits for a flash message (success unless said otherwise) and returns the page text. */
export async function flashed(j: Journey, text: string | RegExp, kind: 'success' | 'error' = 'success'): Promise<string> {
  await j.page.locator(`.flash-${kind}`, { hasText: text }).waitFor();
  return readPage(j);
}

export async function go(j: Journey, pathname: string): Promise<string> {
  const res = await j.page.goto(`${j.url}${pathname}`);
  expect(res?.status(), pathname).to.be.below(400);
  return readPage(j);
}

/**
 * Puts a person at the browser: the first time through the sign-in page; after that their session
 * is taken up again (as if each person kept their own browser open), which spares two page loads.
 */
export async function signIn(j: Journey, who: Person): Promise<void> {
  const { page, browser } = j;
  const saved = j.sessions.get(who.email);
  await browser.context.clearCookies();
  if (saved) {
    await browser.context.addCookies(saved);
    await page.goto(`${j.url}/`);
  } else {
    await page.goto(`${j.url}/login`);
    await page.locator('#field-email').fill(who.email);
    await page.locator('#field-password').fill(who.password);
    await page.getByRole('button', { name: j.w.signIn }).click();
  }
  await page.getByRole('heading', { name: j.w.welcome(who.name) }).waitFor();
  if (!saved) j.sessions.set(who.email, await browser.context.cookies());
}

export const idFrom = (page: Page, segment = 2): string => new URL(page.url()).pathname.split('/')[segment]!;

/**
 * The test environment sends mail through the real SMTP server, where the app's sent-mail page
 * (Administration → sent mail) keeps nothing. For the administrator to read the invitations there,
 * as on a server without SMTP, every message is also kept in that outbox while the journey runs.
 */
export function keepSentMail(): () => void {
  const m: Mailer = mailer();
  const send = m.send.bind(m);
  m.send = async (mail) => {
    const sent = await send(mail);
    await devOutboxMailer().send({ ...mail, messageId: sent.messageId });
    return sent;
  };
  return () => {
    m.send = send;
  };
}
