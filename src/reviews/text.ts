// What a partner reviews: the agreement's text as they read it, the elements whose text they may
// propose to replace, and a fingerprint of the content their agreement is given to.
import crypto from 'node:crypto';
import { diffWords } from 'diff';
import type { AgreementElement } from '../agreements/constants.js';
import type { AgreementDoc } from '../agreements/model.js';

/**
 * The elements that are one text a partner can rewrite; the others (resources, funding, channels,
 * KPIs) are tables of figures and parties, which a partner comments on and the owner edits.
 */
export const proposableElements = ['purpose', 'governance', 'objectives', 'followUp'] as const satisfies readonly AgreementElement[];
export type ProposableElement = (typeof proposableElements)[number];
export const isProposable = (e: string): e is ProposableElement => (proposableElements as readonly string[]).includes(e);

type Content = Pick<AgreementDoc, 'purpose' | 'governance' | 'objectives' | 'followUp'>;

/** The element's text as a partner proposes a replacement for it (objectives: one per line). */
export function elementText(a: Content, element: ProposableElement): string {
  switch (element) {
    case 'purpose':
      return a.purpose ?? '';
    case 'governance':
      return a.governance?.decisionProcess ?? '';
    case 'objectives':
      return (a.objectives ?? []).map((o) => o.text).join('\n');
    case 'followUp':
      return a.followUp?.reportingDuties ?? '';
  }
}

/** The objectives a text gives: one per non-empty line. */
export const objectiveLines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The edit that puts `text` in place of the element's text, keeping the element's other parts. */
export function patchWith(a: Content, element: ProposableElement, text: string): Record<string, unknown> {
  switch (element) {
    case 'purpose':
      return { purpose: text };
    case 'governance':
      return { governance: { type: a.governance?.type ?? '', roles: a.governance?.roles ?? [], decisionProcess: text } };
    case 'objectives':
      return { objectives: objectiveLines(text).map((t) => ({ text: t })) };
    case 'followUp': {
      const f: Partial<NonNullable<Content['followUp']>> = a.followUp ?? {};
      return {
        followUp: {
          checkFrequency: f.checkFrequency ?? '',
          meetingCadence: f.meetingCadence ?? '',
          nextReviewDate: f.nextReviewDate ?? null,
          reportingDuties: text,
        },
      };
    }
  }
}

export interface DiffPart {
  text: string;
  change: 'same' | 'added' | 'removed';
}

/** Word by word, what a proposal changes in the text it was written on. */
export const difference = (before: string, after: string): DiffPart[] =>
  diffWords(before, after).map((p) => ({ text: p.value, change: p.added ? 'added' : p.removed ? 'removed' : 'same' }));

/**
 * What the parties agree to: the title, the dates and the eight elements, without what the
 * application computes or records later (KPI results, the next check due, installments paid) and without the status, so that
 * submitting or approving the agreement does not undo a party's agreement, and any edit does.
 */
export function contentFingerprint(
  a: Pick<AgreementDoc, 'title' | 'startDate' | 'endDate' | 'resources' | 'funding' | 'communication' | 'kpis'> & Content,
): string {
  const kpis = (a.kpis ?? []).map((k) => [
    k.name,
    k.description,
    k.unit,
    k.baseline,
    k.target,
    k.direction,
    k.frequency,
    String(k.ownerPartnerId ?? ''),
    k.dataSource,
  ]);
  const f: Partial<NonNullable<Content['followUp']>> = a.followUp ?? {};
  const content = [
    a.title,
    a.startDate ? new Date(a.startDate).toISOString() : '',
    a.endDate ? new Date(a.endDate).toISOString() : '',
    a.purpose,
    a.governance,
    a.objectives?.map((o) => o.text),
    a.resources?.map((r) => [r.what, String(r.providerPartnerId ?? ''), r.forWhom]),
    a.funding && {
      ...a.funding,
      installments: a.funding.installments?.map((i) => [i.dueDate ? new Date(i.dueDate).toISOString() : '', i.amount]),
    },
    a.communication,
    kpis,
    [f.checkFrequency, f.meetingCadence, f.reportingDuties, f.nextReviewDate ? new Date(f.nextReviewDate).toISOString() : ''],
  ];
  // Ids inside subdocuments (an objective's _id) are not content: dropped by the replacer.
  const json = JSON.stringify(content, (k, v: unknown) => (k === '_id' ? undefined : v));
  return crypto.createHash('sha256').update(json).digest('hex').slice(0, 32);
}
