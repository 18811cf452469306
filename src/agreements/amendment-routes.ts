// The amendment of an active agreement: the proposal read whole (what it changes marked), and its moves.
import { Router } from 'express';
import { flash } from '../http/flash.js';
import { notFound } from '../http/errors.js';
import { orNotFound, parseId } from '../http/ids.js';
import { refusedTo } from '../http/refusal.js';
import { formValues } from '../http/validate.js';
import { userNameRecord } from '../users/people.js';
import { isManager } from '../users/roles.js';
import { amendmentMoves, elements, type AmendmentMove } from './constants.js';
import { amendmentMovesFor, moveAmendment, withAmendment } from './amendments.js';
import { signatoriesFrom } from './schemas.js';
import { partyNames } from './service.js';
import { approvalRight } from './status.js';
import { agreementById } from './lookups.js';

export const amendmentRouter = Router();

amendmentRouter.get('/agreements/:id/amendment', async (req, res) => {
  const current = orNotFound(await agreementById(parseId(req.params.id)));
  if (!current.amendment || current.status !== 'active') throw notFound();
  const a = withAmendment(current);
  const open = current.amendment;
  const user = req.user!;
  const right = approvalRight(user, current, open.authorIds ?? []);
  res.render('agreements/amendment', {
    title: req.t('agreements:amendment.title', { title: current.title }),
    a,
    current,
    open,
    changed: open.elements ?? [],
    moves: amendmentMovesFor(user, current),
    approval: right,
    approvalBlocked: open.status === 'in_review' && isManager(user.role) && right === 'refused',
    authors: await userNameRecord(open.authorIds ?? []),
    names: await partyNames(a.partnerIds, req.t('agreements:deletedPartner')),
    kpis: a.kpis.map((k) => ({ ...k, history: [], progress: null, trend: 'none', expected: 1 })),
    elements,
  });
});

amendmentRouter.post('/agreements/:id/amendment', refusedTo('/agreements/:id/amendment'), async (req, res) => {
  const id = parseId(req.params.id);
  const v = formValues(req.body);
  const move = v.action as AmendmentMove;
  if (!amendmentMoves.includes(move)) throw notFound();
  await moveAmendment(req.user!, id, move, {
    comment: (v.comment ?? '').trim(),
    override: v.override === 'on',
    signatories: signatoriesFrom(req.body),
  });
  flash(req, 'success', `agreements:amendment.done.${move}`);
  res.redirect(move === 'submit' || move === 'send_back' ? `/agreements/${String(id)}/amendment` : `/agreements/${String(id)}`);
});
