// The agreement lifecycle as a table: which move is legal from which status, and who may make it.
import type { Types } from 'mongoose';
import { isManager, type Role } from '../users/roles.js';
import { RuleError } from '../http/errors.js';
import { formalKinds, type AgreementKind, type AgreementStatus } from './constants.js';

export type Transition = 'submit' | 'approve' | 'send_back' | 'expire' | 'terminate' | 'renew' | 'supersede';

interface Move {
  from: AgreementStatus[];
  /** The status the agreement moves to; null: it keeps its status (the move acts on a linked agreement). */
  to: AgreementStatus | null;
  managerOnly: boolean;
  /** Made by the application itself, never offered to a user. */
  system?: boolean;
}

export const transitions: Record<Transition, Move> = {
  submit: { from: ['draft'], to: 'in_review', managerOnly: false },
  approve: { from: ['in_review'], to: 'active', managerOnly: true },
  send_back: { from: ['in_review'], to: 'draft', managerOnly: false },
  expire: { from: ['active'], to: 'expired', managerOnly: false, system: true },
  terminate: { from: ['active'], to: 'terminated', managerOnly: false },
  // Renewing drafts a linked successor (one open at a time); the original keeps running, and counting
  // as active, until the successor is approved ...
  renew: { from: ['active', 'expired'], to: null, managerOnly: false },
  // ... and approving the successor moves the original to "renewed" (an original whose end date passed
  // meanwhile was expired by the daily pass; a terminated one stays terminated).
  supersede: { from: ['active', 'expired'], to: 'renewed', managerOnly: false, system: true },
};

/** A renewal or an amendment still on its way to approval. */
export const openStatuses: readonly AgreementStatus[] = ['draft', 'in_review'];

export function canTransition(status: AgreementStatus, t: Transition): boolean {
  return transitions[t].from.includes(status);
}

/** The moves a user may offer on an agreement in this status (system moves excluded). */
export function availableTransitions(status: AgreementStatus, isManager: boolean): Transition[] {
  return (Object.keys(transitions) as Transition[]).filter(
    (t) => canTransition(status, t) && !transitions[t].system && (isManager || !transitions[t].managerOnly),
  );
}

export type ApprovalRight = 'allowed' | 'override' | 'refused';

/**
 * Separation of duties: an approval comes from a manager other than the people who wrote what is
 * approved (the owner, the team, and for an amendment whoever edited it). An administrator among
 * them may override, explicitly, and the override is recorded.
 */
export function approvalRight(
  user: { id: string; role: Role },
  a: { ownerId: Types.ObjectId; teamIds: Types.ObjectId[] },
  authors: Types.ObjectId[] = [],
): ApprovalRight {
  if (!isManager(user.role)) return 'refused';
  const involved = [a.ownerId, ...a.teamIds, ...authors].some((u) => String(u) === user.id);
  if (!involved) return 'allowed';
  return user.role === 'admin' ? 'override' : 'refused';
}

/** Separation of duties, enforced: refused for the authors; an administrator among them must tick the override. */
export function assertApprovalRight(right: ApprovalRight, override: boolean | undefined): boolean {
  if (right === 'refused') throw new RuleError('agreements:errors.ownApproval');
  if (right === 'override' && !override) throw new RuleError('agreements:errors.overrideNeeded');
  return right === 'override';
}

/** How an override shows in the audit trail (and so in the agreement's history). */
export const overrideChange = { field: 'separationOfDuties', from: 'required', to: 'overridden' };

/** A formal agreement (a contract) is approved, and amended, only with who signed it. */
export function assertSignatories(kind: AgreementKind, signatories: unknown[] | undefined): void {
  if (formalKinds.includes(kind) && !signatories?.length) throw new RuleError('agreements:errors.signatories');
}
