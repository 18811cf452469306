// A describe block's browser tests: a cleared database, the app on a local port and a Chromium,
// opened before its tests and closed after them. The block's own `before` hooks run after these.
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './browser.js';
import { makeApp, PASSWORD } from './app.js';
import { clearDatabase } from './db.js';
import { startTestServer } from './server.js';

export interface BrowserSuite {
  browser: TestBrowser;
  server: { url: string; close(): Promise<void> };
}

/** The browser (its Accept-Language from `locale`) and the server, filled in once the block starts. */
export function browserSuite(locale?: string): BrowserSuite {
  const env = {} as BrowserSuite;
  before(async () => {
    await clearDatabase();
    // A new app per block: an app remembers that its setup is done.
    env.server = await startTestServer(await makeApp());
    env.browser = await launchBrowser(locale);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** Signs in on the English sign-in page and waits for the home page's welcome to the user by name. */
export async function signInAs(page: Page, baseUrl: string, email: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Welcome, ${name}` }).waitFor();
}

/** Signs in whatever the page's language (by the form's fields), and waits for the home page's welcome. */
export async function signInAnyLanguage(page: Page, baseUrl: string, email: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form[action^="/login"] button[type=submit]').click();
  await page.getByRole('heading', { name: new RegExp(name) }).waitFor();
}

/** How far the page scrolls sideways (0: it fits the window). */
export const sideways = (page: Page): Promise<number> => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
