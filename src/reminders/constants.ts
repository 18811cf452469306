export const outboxStates = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type OutboxState = (typeof outboxStates)[number];
