import { Router } from 'express';
import { requireRole } from '../http/guards.js';
import { orNotFound, parseId } from '../http/ids.js';
import { pageFrom, pagination } from '../http/paginate.js';
import { DevMailModel } from './dev-mail.model.js';
import { mailer } from './transport.js';

// The development outbox: what would have been sent when no SMTP server is configured.
export const devMailRouter = Router();
devMailRouter.use('/admin/dev-mail', requireRole('admin'));

devMailRouter.get('/admin/dev-mail', async (req, res) => {
  const page = pageFrom(req.query, 50);
  const [items, total] = await Promise.all([
    DevMailModel.find({}, { html: 0, text: 0, attachments: 0 })
      .sort({ at: -1 })
      .skip((page.page - 1) * page.perPage)
      .limit(page.perPage)
      .lean(),
    DevMailModel.countDocuments({}),
  ]);
  res.render('admin/dev-mail', { title: req.t('mail:devOutbox.title'), items, pager: pagination(page, total), mailKind: mailer().kind });
});

devMailRouter.get('/admin/dev-mail/:id', async (req, res) => {
  const mail = orNotFound(await DevMailModel.findById(parseId(req.params.id)).lean());
  // Messages stored by an upsert on FerretDB lack the empty lists (it drops them): read them as empty.
  res.render('admin/dev-mail-show', { title: mail.subject, mail: { ...mail, to: mail.to ?? [], attachments: mail.attachments ?? [] } });
});

// The HTML body is shown in a sandboxed frame, never inline in our page.
devMailRouter.get('/admin/dev-mail/:id/html', async (req, res) => {
  const mail = orNotFound(await DevMailModel.findById(parseId(req.params.id), { html: 1 }).lean());
  res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox");
  res.type('html').send(mail.html);
});
