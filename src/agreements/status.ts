// The agreement lifecycle as a table: which move is legal from which status, and who may make it.
import type { AgreementStatus } from './constants.js';

export type Transition = 'submit' | 'approve' | 'send_back' | 'expire' | 'terminate' | 'renew';

export const transitions: Record<Transition, { from: AgreementStatus[]; to: AgreementStatus; managerOnly: boolean; system?: boolean }> = {
  submit: { from: ['draft'], to: 'in_review', managerOnly: false },
  approve: { from: ['in_review'], to: 'active', managerOnly: true },
  send_back: { from: ['in_review'], to: 'draft', managerOnly: false },
  expire: { from: ['active'], to: 'expired', managerOnly: false, system: true },
  terminate: { from: ['active'], to: 'terminated', managerOnly: false },
  renew: { from: ['active', 'expired'], to: 'renewed', managerOnly: false },
};

export function canTransition(status: AgreementStatus, t: Transition): boolean {
  return transitions[t].from.includes(status);
}

/** The moves a user may offer on an agreement in this status (system moves excluded). */
export function availableTransitions(status: AgreementStatus, isManager: boolean): Transition[] {
  return (Object.keys(transitions) as Transition[]).filter(
    (t) => canTransition(status, t) && !transitions[t].system && (isManager || !transitions[t].managerOnly),
  );
}
