// A partner's contacts: the add and edit form (its own page, so it works with a keyboard and without
// JavaScript, and bad input comes back in it with a 422), saving and removing.
import { Router, type Request, type Response } from 'express';
import type { Types } from 'mongoose';
import { forbidden, notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { orNotFound, parseId } from '../http/ids.js';
import { formValues, parseInput } from '../http/validate.js';
import { refusedTo } from '../http/refusal.js';
import { contactSchema } from './schemas.js';
import { conflictOrThrow, RevisionConflict } from '../db/revision.js';
import type { PartnerDoc } from './model.js';
import { addContact, canEditPartner, getPartner, removeContact, updateContact } from './service.js';

export const contactsRouter = Router();

const back = (id: unknown) => `/partners/${String(id)}#contacts`;

/** The partner, if the user may change it (403 otherwise, 404 if unknown), and the contact named, if any. */
async function editable(req: Request, contactId?: Types.ObjectId) {
  const partner = orNotFound(await getPartner(parseId(req.params.id)));
  if (!canEditPartner(req.user!, partner)) throw forbidden();
  const contact = contactId ? partner.contacts.find((c) => String(c._id) === String(contactId)) : undefined;
  if (contactId && !contact) throw notFound();
  return { partner, contact };
}

function renderForm(
  req: Request,
  res: Response,
  opts: {
    partner: { _id: Types.ObjectId; name: string };
    contactId?: Types.ObjectId;
    values: Record<string, unknown>;
    errors?: Record<string, string>;
    status?: number;
  },
) {
  res.status(opts.status ?? (opts.errors ? 422 : 200)).render('partners/contact', {
    title: req.t(opts.contactId ? 'partners:contacts.editTitle' : 'partners:contacts.add'),
    partner: opts.partner,
    action: `/partners/${String(opts.partner._id)}/contacts${opts.contactId ? `/${String(opts.contactId)}` : ''}`,
    editing: Boolean(opts.contactId),
    values: opts.values,
    errors: opts.errors ?? {},
  });
}

contactsRouter.get('/partners/:id/contacts/new', async (req, res) => {
  const { partner } = await editable(req);
  renderForm(req, res, { partner, values: { locale: req.language === 'en' ? 'en' : 'fr' } });
});

contactsRouter.post('/partners/:id/contacts', refusedTo('/partners/:id'), async (req, res) => {
  const { partner } = await editable(req);
  const values = formValues(req.body);
  const parsed = parseInput(contactSchema, values);
  if (!parsed.ok) return renderForm(req, res, { partner, values, errors: parsed.errors });
  await addContact(req.user!, partner._id, parsed.data);
  flash(req, 'success', 'partners:contacts.added');
  res.redirect(back(partner._id));
});

contactsRouter.get('/partners/:id/contacts/:contactId/edit', async (req, res) => {
  const contactId = parseId(req.params.contactId);
  const { partner, contact } = await editable(req, contactId);
  const c = contact!;
  renderForm(req, res, {
    partner,
    contactId,
    values: {
      name: c.name,
      role: c.role,
      email: c.email,
      phone: c.phone,
      locale: c.locale,
      emailConsent: c.emailConsent ? 'on' : '',
      primary: c.primary ? 'on' : '',
      rev: String(partner.rev),
    },
  });
});

contactsRouter.post('/partners/:id/contacts/:contactId', refusedTo('/partners/:id'), async (req, res) => {
  const contactId = parseId(req.params.contactId);
  const { partner } = await editable(req, contactId);
  const values = formValues(req.body);
  const parsed = parseInput(contactSchema, values);
  if (!parsed.ok) return renderForm(req, res, { partner, contactId, values, errors: parsed.errors });
  const saved = await updateContact(req.user!, partner._id, contactId, parsed.data, values.rev).catch(conflictOrThrow<PartnerDoc>);
  if (saved instanceof RevisionConflict)
    return renderForm(req, res, {
      partner,
      contactId,
      status: 409,
      values: { ...values, rev: String(saved.current?.rev ?? '') },
      errors: { _form: saved.messageKey },
    });
  flash(req, 'success', 'partners:contacts.saved');
  res.redirect(back(partner._id));
});

contactsRouter.post('/partners/:id/contacts/:contactId/remove', refusedTo('/partners/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  await removeContact(req.user!, id, parseId(req.params.contactId));
  flash(req, 'success', 'partners:contacts.removed');
  res.redirect(back(id));
});
