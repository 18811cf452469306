import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { RuleError } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { orNotFound, parseId } from '../http/ids.js';
import { csrfAfterUpload } from '../http/security.js';
import { formValues } from '../http/validate.js';
import { createPreview, getImport, importFields, maxPreviewProblems, previewRows, setMapping, startImport } from './import.js';
import { refusedTo } from '../http/refusal.js';

export const partnerImportRouter = Router();
export const maxUploadBytes = 5 * 1024 * 1024;
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxUploadBytes, files: 1, fields: 10 } });

function renderUpload(req: Request, res: Response, error = '', status = 200, errorParams: Record<string, unknown> = {}) {
  res.status(status).render('partners/import', { title: req.t('partners:import.title'), error, errorParams, fields: importFields });
}

partnerImportRouter.get('/partners/import', (req, res) => renderUpload(req, res));

/** Parses the multipart form, turning a too-large file, or anything but one file, into a plain refusal. */
function receive(req: Request, res: Response, next: NextFunction) {
  upload.single('file')(req, res, (err: unknown) => {
    if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') return renderUpload(req, res, 'partners:import.tooLarge', 413);
    // Two files, a file under another name, too many fields: not what this form sends.
    if (err instanceof multer.MulterError) return renderUpload(req, res, 'partners:import.oneFile', 400);
    // A body the multipart parser cannot read (no boundary, cut off, broken part headers).
    if (err) return renderUpload(req, res, 'partners:import.malformed', 400);
    next();
  });
}

partnerImportRouter.post('/partners/import', refusedTo('/partners/import'), receive, csrfAfterUpload, async (req, res) => {
  const file = req.file;
  if (!file?.size) return renderUpload(req, res, 'partners:import.noFile', 422);
  const text = file.buffer.toString('utf8');
  if (text.includes('\uFFFD')) return renderUpload(req, res, 'partners:import.notUtf8', 422);
  let id;
  try {
    id = await createPreview(req.user!, file.originalname.slice(0, 200), text);
  } catch (err) {
    // A file that is not CSV (a quote never closed...) is said on the upload page, with its line.
    if (err instanceof RuleError) return renderUpload(req, res, err.messageKey, 422, err.params);
    throw err;
  }
  res.redirect(`/partners/import/${String(id)}`);
});

partnerImportRouter.get('/partners/import/:id', async (req, res) => {
  const id = parseId(req.params.id);
  const imp = orNotFound(await getImport(req.user!, id));
  const rows = imp.status === 'preview' ? await previewRows(id) : [];
  res.render('partners/import-preview', {
    title: req.t('partners:import.previewTitle', { file: imp.fileName }),
    imp,
    rows,
    fields: importFields,
    maxPreviewProblems,
    scripts: imp.status === 'running' ? ['/public/js/import-progress.js'] : [],
  });
});

partnerImportRouter.post('/partners/import/:id/mapping', refusedTo('/partners/import/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  const values = formValues(req.body);
  const imp = orNotFound(await getImport(req.user!, id));
  await setMapping(
    req.user!,
    id,
    imp.headers.map((_h, i) => values[`col${i}`] ?? ''),
  );
  res.redirect(`/partners/import/${String(id)}`);
});

partnerImportRouter.post('/partners/import/:id/run', refusedTo('/partners/import/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  await startImport(req.user!, id);
  flash(req, 'success', 'partners:import.started');
  res.redirect(`/partners/import/${String(id)}`);
});
