import type { Locale } from '../users/roles.js';
import { renderEmail } from './render.js';
import { mailer, type SentMail } from './transport.js';

/** Renders a template in the recipient's language and sends it straight away (account mail). */
export async function sendTemplateMail(template: string, locale: Locale, to: string, data: Record<string, unknown>): Promise<SentMail> {
  const rendered = await renderEmail(template, locale, data);
  return mailer().send({ to, ...rendered });
}
