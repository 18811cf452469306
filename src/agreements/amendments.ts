// Amendments: a material change to an active agreement is proposed, reviewed, and approved by a
// manager who did not write it (separation of duties, as for the first approval) before it applies.
// Meanwhile the approved text stays in force: pages, counts, reminders and the partner see it alone.
import type { HydratedDocument, Types } from 'mongoose';
import { recordAudit } from '../audit/service.js';
import { claimOnce } from '../db/claim.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import { refreshNextCheckDue } from '../progress/schedule.js';
import { userNameRecord } from '../users/people.js';
import { isManager } from '../users/roles.js';
import type { SessionUser } from '../users/service.js';
import { foldText } from '../util/text.js';
import { completeness } from './completeness.js';
import { checkApproval } from './hooks.js';
import { amendmentMoves, type AgreementElement, type AmendmentMove } from './constants.js';
import { refreshKpiStatus } from './kpis.js';
import { AgreementModel, AgreementVersionModel, type AgreementDoc } from './model.js';
import { canEditAgreement } from './service.js';
import { approvalRight, assertApprovalRight, assertSignatories, overrideChange } from './status.js';

type Element = AgreementElement | 'basics';
type Patch = Record<string, unknown>;
type Amendment = NonNullable<AgreementDoc['amendment']>;

/** Who runs the agreement on our side and when to warn before its end: not what the parties agreed to. */
const administrative = new Set(['ownerId', 'teamIds', 'renewalNoticeDays', 'language']);
const same = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);

/** Whether an edit of an active agreement changes what was agreed (then it waits for review). */
export function isMaterial(a: Pick<AgreementDoc, 'amendment'> & Patch, element: Element, patch: Patch): boolean {
  if (element !== 'basics' || a.amendment) return true;
  return Object.entries(patch).some(([k, v]) => !administrative.has(k) && !same(a[k], v));
}

const changesOf = (a: Pick<AgreementDoc, 'amendment'>): Record<string, Patch> => (a.amendment?.changes ?? {}) as Record<string, Patch>;

/** The agreement as the open amendment would make it (the edit forms and the proposal page show it). */
export function withAmendment<T extends Pick<AgreementDoc, 'amendment'>>(a: T): T {
  return Object.assign({}, a, ...Object.values(changesOf(a))) as T;
}

/** Records an edit of an active agreement in its amendment (started by this edit if none is open). */
export async function proposeChange(actor: SessionUser, a: HydratedDocument<AgreementDoc>, element: Element, patch: Patch) {
  const open = a.amendment;
  const authors = [...(open?.authorIds ?? [])];
  if (!authors.some((u) => String(u) === actor.id)) authors.push(actor._id);
  a.amendment = {
    status: 'draft', // an edit during review sends the amendment back to preparation: the reviewer sees it whole
    changes: { ...changesOf(a), [element]: patch },
    elements: [...new Set([...(open?.elements ?? []), element])],
    authorIds: authors,
    startedAt: open?.startedAt ?? new Date(),
    submittedAt: null,
    comment: open?.comment ?? '',
  };
  a.markModified('amendment');
  a.rev += 1;
  await a.save();
  await recordAudit({ actor, entity: 'agreement', entityId: a._id, action: 'amendment:edit', note: element });
}

export interface AmendmentInput {
  comment?: string;
  override?: boolean;
  signatories?: { name: string; organization: string; signedAt: Date }[];
}

const allowed: Record<AmendmentMove, Amendment['status']> = {
  submit: 'draft',
  approve: 'in_review',
  send_back: 'in_review',
  withdraw: 'draft',
};

/** The moves offered to `user` on the agreement's open amendment (moveAmendment's rules, read from the same table). */
export function amendmentMovesFor(
  user: SessionUser,
  a: Pick<AgreementDoc, 'status' | 'amendment' | 'ownerId' | 'teamIds'>,
): AmendmentMove[] {
  const open = a.amendment;
  if (a.status !== 'active' || !open || !canEditAgreement(user, a)) return [];
  return amendmentMoves.filter(
    (m) =>
      allowed[m] === open.status &&
      (m !== 'approve' || (isManager(user.role) && approvalRight(user, a, open.authorIds ?? []) !== 'refused')),
  );
}

export async function moveAmendment(actor: SessionUser, id: Types.ObjectId, move: AmendmentMove, input: AmendmentInput) {
  const a = await AgreementModel.findById(id);
  if (!a) throw notFound();
  if (!canEditAgreement(actor, a) || (move === 'approve' && !isManager(actor.role))) throw forbidden();
  const open = a.amendment;
  if (a.status !== 'active' || !open || open.status !== allowed[move]) throw new RuleError('agreements:amendment.notPossible');
  const proposed = withAmendment(a.toObject());
  if (move === 'submit' && completeness(proposed).missing.length) throw new RuleError('agreements:errors.incomplete');
  let overridden = false;
  if (move === 'approve') {
    overridden = assertApprovalRight(approvalRight(actor, a, open.authorIds ?? []), input.override);
    assertSignatories(proposed.kind, input.signatories);
    // The same checks as a first approval (the parties' agreement with the amended text, say).
    await checkApproval(a.toObject());
  }
  // One move per state of the amendment: two reviewers at once make one decision.
  if (!(await claimOnce(`agreement:${String(id)}:amendment:${a.rev}`))) throw new RuleError('agreements:errors.conflict');

  if (move === 'approve') await apply(actor, a, open, input);
  else if (move === 'withdraw') a.amendment = null;
  else {
    a.amendment = {
      ...open,
      status: move === 'submit' ? 'in_review' : 'draft',
      submittedAt: move === 'submit' ? new Date() : null,
      comment: move === 'send_back' ? (input.comment ?? '') : open.comment,
    };
    a.markModified('amendment');
  }
  a.rev += 1;
  await a.save();
  if (move === 'approve') {
    if (open.elements?.includes('kpis')) await refreshKpiStatus(id);
    await refreshNextCheckDue(id);
  }
  await recordAudit({
    actor,
    entity: 'agreement',
    entityId: id,
    action: `amendment:${move}`,
    changes: overridden ? [overrideChange] : [],
    note: input.comment ?? '',
  });
}

/** Approval: the text in force becomes a version (what it was, who changed which elements), the proposal applies. */
async function apply(actor: SessionUser, a: HydratedDocument<AgreementDoc>, open: Amendment, input: AmendmentInput) {
  const before = a.toObject() as Patch;
  delete before.amendment;
  const authors = open.authorIds ?? [];
  const names = await userNameRecord(authors);
  await AgreementVersionModel.create({
    agreementId: a._id,
    rev: a.rev,
    byId: authors[0] ?? actor._id,
    byName:
      authors
        .map((u) => names[String(u)] ?? '')
        .filter(Boolean)
        .join(', ') || actor.name,
    elements: open.elements ?? [],
    snapshot: before,
  });
  for (const patch of Object.values(changesOf(a))) a.set(patch);
  a.titleFolded = foldText(a.title);
  if (input.signatories?.length) a.signatories = input.signatories as typeof a.signatories;
  a.amendment = null;
  a.completeness = completeness(a).score;
}
