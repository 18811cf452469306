// Blockers open too long → every manager and administrator, once per blocker (the outbox's key makes
// a second tick, a restart or a second instance enqueue nothing more). The rule of "too long" is the
// blockers feature's; the weekly digest lists the same blockers (kinds.ts).
import { escalatedBlockers } from '../blockers/service.js';
import { config } from '../config.js';
import { activeManagers } from '../users/people.js';
import type { MessageInput } from './enqueue.js';
import { dateIn, registerKind, toUser, url, usersById } from './kinds.js';

registerKind({
  kind: 'blocker_escalation',
  schedule: 'tick',
  async findDue(now) {
    const blockers = await escalatedBlockers(now);
    if (!blockers.length) return [];
    const [managers, owners] = await Promise.all([activeManagers(), usersById(blockers.map((b) => b.ownerId))]);
    return blockers.flatMap((b) =>
      managers.map((m): MessageInput => ({
        kind: 'blocker_escalation',
        subjectId: String(b._id),
        occurrence: 'escalated',
        to: toUser(m),
        data: {
          title: b.title,
          what: b.what,
          hurts: b.hurtsLabel,
          unblockBy: b.unblockBy,
          owner: owners.get(String(b.ownerId))?.name ?? '',
          days: config.reminders.blockerEscalationDays,
          since: dateIn(m.locale, b.raisedAt),
          link: url(`/agreements/${String(b.agreementId)}#blockers`),
        },
      })),
    );
  },
});
