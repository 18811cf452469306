// A blocker's values, shared with the dashboard and the reminders.
export const blockerStatuses = ['open', 'resolved'] as const;
export type BlockerStatus = (typeof blockerStatuses)[number];
/** Where the blocker was raised: a team progress check, a partner's follow-up answer, a meeting, or the agreement page. */
export const blockerSources = ['check', 'followup', 'meeting', 'agreement'] as const;
export type BlockerSource = (typeof blockerSources)[number];

export const DAY_MS = 86_400_000;

/** Whole days a blocker has been open (or was, until resolved). */
export const ageInDays = (b: { raisedAt: Date; resolvedAt?: Date | null }, now: Date): number =>
  Math.max(0, Math.floor(((b.resolvedAt ?? now).getTime() - b.raisedAt.getTime()) / DAY_MS));

/** The escalation rule: open, and open for the threshold's days or more. */
export const isEscalated = (b: { status: string; raisedAt: Date }, now: Date, days: number): boolean =>
  b.status === 'open' && now.getTime() - b.raisedAt.getTime() >= days * DAY_MS;
