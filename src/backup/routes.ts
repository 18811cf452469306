// Administrators: the archives in the data folder, each downloadable (as an attachment).
import { Router } from 'express';
import { requireRole } from '../http/guards.js';
import { notFound } from '../http/errors.js';
import { config } from '../config.js';
import { backupFile, listBackups } from './service.js';
import { numberFormat, intlLocale } from '../util/formats.js';

export const backupRouter = Router();
backupRouter.use('/admin/backups', requireRole('admin'));

/** A size in the reader's language: "1.4 MB" / « 1,4 Mo ». */
export function formatSize(bytes: number, language: string): string {
  const locale = intlLocale(language);
  const [value, unit] = bytes >= 1e6 ? [bytes / 1e6, 'megabyte'] : bytes >= 1e3 ? [bytes / 1e3, 'kilobyte'] : [bytes, 'byte'];
  return numberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}

backupRouter.get('/admin/backups', (req, res) => {
  const archives = listBackups().map((a) => ({ ...a, size: formatSize(a.bytes, req.language) }));
  res.render('admin/backups', { title: req.t('backup:title'), archives, scheduled: config.backup.cron, keep: config.backup.keep });
});

backupRouter.get('/admin/backups/:name', (req, res) => {
  const file = backupFile(req.params.name);
  if (!file) throw notFound();
  res.download(file, req.params.name, { dotfiles: 'deny', headers: { 'X-Content-Type-Options': 'nosniff' } });
});
