// Retrospectives (seed 001: analyse failures to learn lessons; celebrate and communicate successes).
import { endedStatuses, type AgreementStatus } from '../agreements/constants.js';

export const partnerAgainChoices = ['yes', 'maybe', 'no'] as const;
export type PartnerAgain = (typeof partnerAgainChoices)[number];

/** How the agreement was ending when its retrospective was written; 'renewing': a renewal was drafted. */
export const endings = ['expired', 'terminated', 'renewed', 'renewing'] as const;
export type Ending = (typeof endings)[number];

/**
 * The one rule of when an agreement asks for its retrospective: it has ended (expired, terminated,
 * renewed), or its renewal has been drafted (the original runs on until the renewal is approved,
 * but the lessons belong in the renewal's drafting). Null: no retrospective yet.
 */
export function endingOf(a: { status: AgreementStatus; renewedToId?: unknown }): Ending | null {
  if (endedStatuses.includes(a.status)) return a.status as Ending;
  return a.renewedToId ? 'renewing' : null;
}
