import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { browserSuite } from '../helpers/browser-suite.js';
import { createUser, PASSWORD, type TestUser } from '../helpers/app.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { TaskModel } from '../../src/tasks/model.js';
import { rsvpUrl } from '../../src/reminders/meetings.js';
import { optOutUrl } from '../../src/reminders/links.js';
import type { Role } from '../../src/users/roles.js';

// axe-core in Debian's Chromium on every page type, in French and English, as each role: no serious
// or critical violation, and no console error. A page a role may not open is checked as its 403 page.
describe('browser: accessibility of every page type, in both languages, as each role', function () {
  this.timeout(240_000);
  const env = browserSuite('en-CA');
  let pages: string[];
  let publicPages: string[];

  before(async () => {
    const owner = await createUser({ role: 'professional', name: 'Paula Pro', locale: 'en' });
    const p = await PartnerModel.create({
      name: 'Centre Horizon',
      nameFolded: 'centre horizon',
      searchFolded: 'centre horizon',
      type: 'community',
      ownerId: owner._id,
      stage: 'active',
      region: 'Laval',
      contacts: [{ name: 'Julie Tremblay', email: 'julie@horizon.example', locale: 'fr', primary: true }],
      resources: [{ category: 'material', description: 'Salles de réunion' }],
    });
    const a = await AgreementModel.create({
      title: 'Entente Horizon',
      partnerIds: [p._id],
      ownerId: owner._id,
      status: 'active',
      purpose: 'Stages',
      kpis: [{ name: 'Stages offerts', unit: 'number', baseline: 0, target: 20, direction: 'increase', latestValue: 8, status: 'at_risk' }],
    });
    const start = new Date(Date.now() + 2 * 86400_000);
    const m = await MeetingModel.create({
      title: 'Rencontre de planification',
      partnerId: p._id,
      agreementId: a._id,
      ownerId: owner._id,
      start,
      end: new Date(start.getTime() + 3600_000),
      zone: 'America/Toronto',
      attendees: [{ contactId: p.contacts[0]!._id, name: 'Julie Tremblay', email: 'julie@horizon.example' }],
      attendeeUserIds: [owner._id],
    });
    await TaskModel.create({
      title: 'Envoyer la proposition',
      ownerId: owner._id,
      partnerId: p._id,
      dueDate: new Date(Date.now() - 86400_000),
    });
    const id = { p: String(p._id), a: String(a._id), m: String(m._id) };
    pages = [
      '/',
      '/partners',
      '/partners/new',
      `/partners/${id.p}`,
      `/partners/${id.p}/edit`,
      '/partners/board',
      '/resources',
      '/partners/import',
      '/agreements',
      '/agreements/new',
      `/agreements/${id.a}`,
      `/agreements/${id.a}/edit/purpose`,
      `/agreements/${id.a}/edit/kpis`,
      `/agreements/${id.a}/print`,
      `/agreements/${id.a}/health`,
      `/agreements/${id.a}/share`,
      `/agreements/${id.a}/progress/new`,
      '/meetings',
      '/meetings/calendar',
      '/meetings/new',
      `/meetings/${id.m}`,
      '/tasks',
      '/dashboard',
      '/dashboard/report',
      '/dashboard/rows/kpis',
      '/readiness',
      '/profile',
      '/admin/users',
      '/admin/users/invite',
      '/admin/outbox',
      '/admin/dev-mail',
      '/admin/task-templates',
      '/admin/kpi-thresholds',
      '/no-such-page',
    ];
    const local = (url: string) => url.replace('http://passerelle.test', '');
    publicPages = [
      '/login',
      '/forgot',
      local(rsvpUrl(id.m, String(p.contacts[0]!._id), m.end)),
      local(optOutUrl(id.p, String(p.contacts[0]!._id))),
      '/p/followup/not-a-token',
    ];
  });

  let refused = 0;
  async function audit(page: Page, url: string): Promise<string[]> {
    const res = await page.goto(`${env.server.url}${url}`);
    expect(res, url).to.not.equal(null);
    if ([403, 404].includes(res!.status())) refused += 1;
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${url} [${res!.status()}] ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  async function signedIn(role: Role, locale: 'en' | 'fr'): Promise<{ page: Page; user: TestUser }> {
    const user = await createUser({ role, locale, name: `${role} ${locale}` });
    await env.browser.context.clearCookies();
    const page = await env.browser.newPage();
    await page.goto(`${env.server.url}/login`);
    await page.locator('input[name="email"]').fill(user.email);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.locator('form[action="/login"] button[type="submit"]').click();
    await page.waitForURL(`${env.server.url}/`);
    return { page, user };
  }

  for (const [role, locale] of [
    ['admin', 'en'],
    ['admin', 'fr'],
    ['manager', 'fr'],
    ['professional', 'en'],
  ] as const) {
    it(`${role} (${locale}): no serious or critical violation and no console error on any page`, async () => {
      const { page } = await signedIn(role, locale);
      refused = 0;
      const found: string[] = [];
      for (const url of pages) found.push(...(await audit(page, url)));
      expect(await page.locator('html').getAttribute('lang')).to.equal(locale);
      expect(found).to.deep.equal([]);
      // Chromium logs a 403 or 404 page's own status as a console error: those, one per such page, are expected.
      const statusLogs = env.browser.consoleErrors(page).filter((e) => /status of (403|404)\b/.test(e));
      expect(env.browser.consoleErrors(page).filter((e) => !statusLogs.includes(e))).to.deep.equal([]);
      expect(statusLogs).to.have.length(refused);
      await page.close();
    });
  }

  it('visitors and partner contacts: sign-in, password reset, invitation answer, opt-out, refused link', async () => {
    await env.browser.context.clearCookies();
    const page = await env.browser.newPage();
    const found: string[] = [];
    for (const url of publicPages) found.push(...(await audit(page, url)));
    expect(found).to.deep.equal([]);
    expect(env.browser.consoleErrors(page).filter((e) => !/status of 404/.test(e))).to.deep.equal([]);
    await page.close();
  });
});
