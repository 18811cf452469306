// A describe block's browser tests: a cleared database, the app on a local port and a Chromium,
// opened before its tests and closed after them. The block's own `before` hooks run after these.
import { launchBrowser, type TestBrowser } from './browser.js';
import { makeApp } from './app.js';
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
