// Emails are EJS templates (HTML and text) rendered in the recipient's language.
import path from 'node:path';
import ejs from 'ejs';
import { projectRoot } from '../config.js';
import { i18n } from '../i18n/index.js';
import type { Locale } from '../users/roles.js';
import { organizationName } from '../settings/organization.js';

const emailDir = path.join(projectRoot, 'views', 'emails');

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export async function renderEmail(template: string, locale: Locale, data: Record<string, unknown>): Promise<RenderedEmail> {
  const t = i18n.getFixedT(locale);
  // Every email is signed with the organization's name when it has one.
  const locals = { ...data, t, locale, organization: await organizationName() };
  const subject = t(`emails:${template}.subject`, data as Record<string, string>);
  const [html, text] = await Promise.all([
    ejs.renderFile(path.join(emailDir, `${template}.html.ejs`), { ...locals, subject }, { async: false }),
    ejs.renderFile(
      path.join(emailDir, `${template}.text.ejs`),
      { ...locals, subject },
      { async: false, escape: (s: unknown) => (s === null || s === undefined ? '' : String(s as string)) },
    ),
  ]);
  return { subject, html, text };
}
