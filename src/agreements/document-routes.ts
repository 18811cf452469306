// The agreement as a document: printed in its own language, and its earlier versions, read only.
import { Router } from 'express';
import type { Types } from 'mongoose';
import { config } from '../config.js';
import { i18n } from '../i18n/index.js';
import { dayIn, formatDate, numberFormat, intlLocale } from '../util/formats.js';
import { orNotFound, parseId } from '../http/ids.js';
import { completeness } from './completeness.js';
import { choices, loadView, ourSide } from './page-data.js';
import { partyNames } from './service.js';
import { versionOf } from './lookups.js';

export const agreementDocumentsRouter = Router();

/** Dates, numbers and amounts in the agreement's language (the document is not the reader's page). */
function documentFormat(language: string) {
  const locale = intlLocale(language);
  const date = (d: Date | string | null | undefined) =>
    d ? formatDate(locale, { dateStyle: 'long', timeZone: config.defaultTimezone }, new Date(d)) : '';
  return {
    date,
    dateTime: date,
    isoDate: (d: Date | string | null | undefined) => (d ? dayIn(config.defaultTimezone, new Date(d)) : ''),
    number: (n: number | null | undefined, digits = 0) =>
      n === null || n === undefined ? '' : numberFormat(locale, { maximumFractionDigits: digits }).format(n),
    money: (n: number | null | undefined, currency = 'CAD') =>
      n === null || n === undefined ? '' : numberFormat(locale, { style: 'currency', currency }).format(n),
  };
}

agreementDocumentsRouter.get('/agreements/:id/print', async (req, res) => {
  const view = await loadView(parseId(req.params.id), '');
  const t = i18n.getFixedT(view.a.language);
  for (const [k, name] of Object.entries(view.names)) if (!name) view.names[k] = t('agreements:deletedPartner');
  res.render('agreements/print', {
    ...view,
    t,
    ourSide: await ourSide(t),
    fmt: documentFormat(view.a.language),
    lang: view.a.language,
    layout: false,
    ...choices,
  });
});

agreementDocumentsRouter.get('/agreements/:id/versions/:versionId', async (req, res) => {
  const id = parseId(req.params.id);
  const v = orNotFound(await versionOf(id, parseId(req.params.versionId)));
  const snapshot = v.snapshot as Record<string, unknown> & { partnerIds: Types.ObjectId[]; title: string };
  res.render('agreements/version', {
    title: snapshot.title,
    v,
    snapshot,
    names: await partyNames(snapshot.partnerIds ?? [], req.t('agreements:deletedPartner')),
    agreementId: String(id),
    c: completeness(snapshot as never),
    ...choices,
  });
});
