import { Router } from 'express';
import { requireRole } from '../http/guards.js';
import { orNotFound, parseId } from '../http/ids.js';
import { pageFrom, pagination } from '../http/paginate.js';
import { devMail, devMailHtml, devMailPage } from './dev-mail.js';
import { mailer } from './transport.js';

// The development outbox: what would have been sent when no SMTP server is configured.
export const devMailRouter = Router();
devMailRouter.use('/admin/dev-mail', requireRole('admin'));

devMailRouter.get('/admin/dev-mail', async (req, res) => {
  const page = pageFrom(req.query, 50);
  const { items, total } = await devMailPage(page);
  res.render('admin/dev-mail', { title: req.t('mail:devOutbox.title'), items, pager: pagination(page, total), mailKind: mailer().kind });
});

devMailRouter.get('/admin/dev-mail/:id', async (req, res) => {
  const mail = orNotFound(await devMail(parseId(req.params.id)));
  // Messages stored by an upsert on FerretDB lack the empty lists (it drops them): read them as empty.
  res.render('admin/dev-mail-show', { title: mail.subject, mail: { ...mail, to: mail.to ?? [], attachments: mail.attachments ?? [] } });
});

// The HTML body is shown in a sandboxed frame, never inline in our page.
devMailRouter.get('/admin/dev-mail/:id/html', async (req, res) => {
  const mail = orNotFound(await devMailHtml(parseId(req.params.id)));
  res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox");
  res.type('html').send(mail.html);
});
