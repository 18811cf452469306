// An agreement that ended (expired, terminated, renewed) without a retrospective → its owner, once
// per ending (the outbox's key: a second tick, a restart or a second instance enqueue nothing more).
// Which agreements are asked, and for how long after their end, is the retrospectives feature's rule.
import { endedWithoutRetrospective } from '../retrospectives/service.js';
import type { MessageInput } from './enqueue.js';
import { dateIn, registerKind, toUser, url, usersById } from './kinds.js';

registerKind({
  kind: 'retrospective_due',
  schedule: 'tick',
  async findDue(now) {
    const agreements = await endedWithoutRetrospective(now);
    if (!agreements.length) return [];
    const owners = await usersById(agreements.map((a) => a.ownerId));
    return agreements.flatMap((a): MessageInput[] => {
      const owner = owners.get(String(a.ownerId));
      if (!owner) return [];
      return [
        {
          kind: 'retrospective_due',
          subjectId: String(a._id),
          occurrence: a.status,
          to: toUser(owner),
          data: {
            title: a.title,
            status: a.status,
            since: dateIn(owner.locale, a.statusChangedAt),
            link: url(`/agreements/${String(a._id)}/retrospective`),
          },
        },
      ];
    });
  },
});
