// Debian's Chromium driven by playwright-core: nothing is downloaded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export interface TestBrowser {
  context: BrowserContext;
  newPage(opts?: { locale?: string }): Promise<Page>;
  consoleErrors(page: Page): string[];
  close(): Promise<void>;
}

export const CHROMIUM = '/usr/bin/chromium';
const flags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(locale = 'fr-CA'): Promise<TestBrowser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: flags, locale });
  const errors = new WeakMap<Page, string[]>();
  const watch = (page: Page) => {
    const list: string[] = [];
    errors.set(page, list);
    page.on('console', (msg) => {
      // A form answered 401/409/422/429 is the page showing a validation message, not a fault.
      if (msg.type() === 'error' && !/Failed to load resource: .*status of (401|409|422|429)\b/.test(msg.text())) list.push(msg.text());
    });
    page.on('pageerror', (err) => list.push(err.message));
    return page;
  };
  return {
    context,
    newPage: async () => watch(await context.newPage()),
    consoleErrors: (page) => errors.get(page) ?? [],
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
