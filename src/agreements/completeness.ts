// An element is complete when its required parts are filled (D4's eight elements).
import { elements, formalKinds, type AgreementElement, type AgreementKind } from './constants.js';

export interface CompletenessInput {
  kind: AgreementKind;
  purpose?: string | null;
  governance?: { type?: string | null; decisionProcess?: string | null; roles?: unknown[] } | null;
  objectives?: unknown[];
  resources?: unknown[];
  funding?: { none?: boolean | null; total?: number | null; contributions?: unknown[] } | null;
  communication?: { channels?: unknown[]; frequency?: string | null } | null;
  kpis?: unknown[];
  followUp?: { checkFrequency?: string | null; meetingCadence?: string | null } | null;
}

const filled = (s: string | null | undefined) => typeof s === 'string' && s.trim().length > 0;
const some = (a: unknown[] | undefined) => Array.isArray(a) && a.length > 0;

const rules: Record<AgreementElement, (a: CompletenessInput) => boolean> = {
  purpose: (a) => filled(a.purpose),
  governance: (a) => filled(a.governance?.type) && filled(a.governance?.decisionProcess) && some(a.governance?.roles),
  objectives: (a) => some(a.objectives),
  resources: (a) => some(a.resources),
  // An informal agreement may say "no funding"; otherwise a total and at least one contribution.
  funding: (a) =>
    (a.funding?.none === true && !formalKinds.includes(a.kind)) || ((a.funding?.total ?? 0) > 0 && some(a.funding?.contributions)),
  communication: (a) => some(a.communication?.channels) && filled(a.communication?.frequency),
  kpis: (a) => some(a.kpis),
  followUp: (a) => filled(a.followUp?.checkFrequency) && filled(a.followUp?.meetingCadence),
};

export function completeness(a: CompletenessInput): { complete: AgreementElement[]; missing: AgreementElement[]; score: number } {
  const complete = elements.filter((e) => rules[e](a));
  const missing = elements.filter((e) => !rules[e](a));
  return { complete, missing, score: complete.length };
}

/** Contributions that do not add up to the total: a warning, not a refusal (in-kind values are estimates). */
export function fundingGap(
  funding: { total?: number | null; contributions?: { value?: number | null }[] } | null | undefined,
): number | null {
  if (!funding?.total || !funding.contributions?.length) return null;
  const sum = funding.contributions.reduce((s, c) => s + (c.value ?? 0), 0);
  const gap = Math.round((funding.total - sum) * 100) / 100;
  return gap === 0 ? null : gap;
}
