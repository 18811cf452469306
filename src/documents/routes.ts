// Documents on records: upload (streamed into the database), download, inline preview for safe
// types, archive, share. The record's rights are checked before a byte is stored.
import { pipeline } from 'node:stream/promises';
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { config } from '../config.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { parseId } from '../http/ids.js';
import { refusedTo } from '../http/refusal.js';
import { formValues, parseInput } from '../http/validate.js';
import { isRecordKind, recordPath, revisionsOf, writableTarget, type UploadTarget } from './records.js';
import { archiveDocument, finishUpload, openDocument, shareDocument } from './service.js';
import { documentUpload, setUploadContext, type StoredFile } from './upload.js';
import { numberFormat, intlLocale } from '../util/formats.js';

export const documentsRouter = Router();

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

/** A refused upload: a small page (or JSON for the progress script) saying why, with the way back. */
function refuse(req: Request, res: Response, status: number, key: string, back: string) {
  const params = {
    max: numberFormat(intlLocale(req.language), { maximumFractionDigits: 1 }).format(config.documentMaxBytes / 1048576),
  };
  if (wantsJson(req)) return res.status(status).json({ error: req.t(key, params) });
  res.status(status).render('documents/refused', { title: req.t('documents:refused.title'), message: req.t(key, params), back });
}

const targetOf = (res: Response) => res.locals.documentTarget as UploadTarget;

/** Before the stream: the record exists (404) and is the user's to write on (403). */
async function checkTarget(req: Request, res: Response, next: NextFunction) {
  const kind = String(req.params.kind);
  if (!isRecordKind(kind)) throw notFound();
  const target = await writableTarget(req.user!, kind, parseId(req.params.recordId));
  res.locals.documentTarget = target;
  setUploadContext(req, { target, actor: req.user!, signedRev: null });
  next();
}

function receive(req: Request, res: Response, next: NextFunction) {
  const back = `${targetOf(res).path}#documents`;
  documentUpload()(req, res, (err: unknown) => {
    if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE')
      return refuse(req, res, 413, 'documents:errors.tooLarge', back);
    if (err instanceof multer.MulterError) return refuse(req, res, 400, 'documents:errors.oneFile', back);
    if (err) return refuse(req, res, 400, 'documents:errors.malformed', back);
    next();
  });
}

const signedSchema = z.object({ signedRev: z.union([z.literal(''), z.coerce.number().int().min(0)]).optional() });

/** Sends a file: an attachment, or inline when asked and its sniffed type is safe to show. */
export async function sendDocument(res: Response, doc: Awaited<ReturnType<typeof openDocument>>, inline: boolean) {
  const show = inline && doc.meta.inline;
  res.attachment(doc.meta.name);
  if (show) res.setHeader('Content-Disposition', String(res.getHeader('Content-Disposition')).replace(/^attachment/, 'inline'));
  // The sniffed type, not the name's: a ".pdf" holding HTML goes out as bytes to save.
  res.setHeader('Content-Type', doc.meta.type);
  res.setHeader('Content-Length', String(doc.meta.size));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  // Even a safe type is shown in a sandbox: no script, no form, no plugin reaching our origin.
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'");
  await pipeline(doc.stream(), res);
}

documentsRouter.get('/documents/:id/download', async (req, res) => {
  await sendDocument(res, await openDocument(parseId(req.params.id)), false);
});

documentsRouter.get('/documents/:id/view', async (req, res) => {
  await sendDocument(res, await openDocument(parseId(req.params.id)), true);
});

documentsRouter.post('/documents/:id/archive', refusedTo('/'), async (req, res) => {
  const back = await archiveDocument(req.user!, parseId(req.params.id));
  flash(req, 'success', 'documents:archived');
  res.redirect(303, `${back}#documents`);
});

documentsRouter.post('/documents/:id/share', refusedTo('/'), async (req, res) => {
  const shared = formValues(req.body).shared === 'on';
  const back = await shareDocument(req.user!, parseId(req.params.id), shared);
  flash(req, 'success', shared ? 'documents:shared' : 'documents:unshared');
  res.redirect(303, `${back}#documents`);
});

// After the archive and share routes: `/documents/:id/archive` would match `:kind/:recordId` too.
documentsRouter.post(
  '/documents/:kind/:recordId',
  refusedTo((req) => (isRecordKind(String(req.params.kind)) ? recordPath(req.params.kind as never, String(req.params.recordId)) : '/')),
  checkTarget,
  receive,
  async (req, res) => {
    const target = targetOf(res);
    const back = `${target.path}#documents`;
    const stored = (req.file as { stored?: StoredFile } | undefined)?.stored;
    if (!stored || !req.file?.size) {
      if (stored) await finishUpload(req.user!, target, stored, null, []).catch(() => undefined);
      return refuse(req, res, 422, 'documents:errors.noFile', back);
    }
    const parsed = parseInput(signedSchema, formValues(req.body));
    const signedRev = parsed.ok && typeof parsed.data.signedRev === 'number' ? parsed.data.signedRev : null;
    const revs = target.kind === 'agreement' ? await revisionsOf(target.id, target.rev) : [];
    await finishUpload(req.user!, target, stored, signedRev, revs);
    flash(req, 'success', 'documents:uploaded');
    if (wantsJson(req)) return res.json({ ok: true, redirect: back });
    res.redirect(303, back);
  },
);
