// What every page a partner contact opens by link shares: it speaks the contact's language (unless
// the visitor chose one), refuses a bad link in words, and is neither cached nor referred.
import type { Request, Response } from 'express';
import { visitorLanguage } from '../i18n/index.js';
import { viewHelpers } from '../http/view-helpers.js';
import type { Locale } from '../users/roles.js';
import type { LinkRefusal } from './followup.js';

/** The page speaks the contact's language, unless the visitor chose one (the switch, `?lang=`). */
export async function speak(req: Request, res: Response, contactLocale: Locale): Promise<Locale> {
  const locale = visitorLanguage(req) ?? contactLocale;
  await req.i18n.changeLanguage(locale);
  res.locals.t = req.t;
  res.locals.lang = locale;
  // Dates and numbers in that language too (the helpers were made for the browser's).
  viewHelpers(req, res, () => undefined);
  return locale;
}

const refusalStatus: Record<LinkRefusal, number> = { invalid: 404, expired: 410, used: 410, revoked: 410 };

export async function refuse(req: Request, res: Response, reason: LinkRefusal, locale?: Locale): Promise<void> {
  if (locale) await speak(req, res, locale);
  res.status(refusalStatus[reason]).render('reminders/link-refused', { title: req.t(`reminders:link.${reason}.title`), reason });
}

export const noStore = (res: Response): void => {
  res.set('Cache-Control', 'no-store');
  res.set('Referrer-Policy', 'no-referrer');
};
