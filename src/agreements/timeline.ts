// Every status move of an agreement, on the agreement's page and on each partner's timeline (from
// the audit trail, which records every transition with its comment or reason).
import { agreementsOfPartner } from './directory.js';
import type { Types } from 'mongoose';
import { registerTimelineSource } from '../partners/timeline.js';
import { auditFor, statusMoves } from '../audit/service.js';

/** The agreement's history, newest first: creation, transitions, edits and measurements. */
export async function agreementHistory(agreementId: Types.ObjectId, limit = 100) {
  return auditFor('agreement', agreementId, limit);
}

// The partner timeline already shows each agreement's current status; this adds the earlier moves.
registerTimelineSource(async (partnerId, limit) => {
  const agreements = (await agreementsOfPartner(partnerId)).slice(0, 200);
  if (!agreements.length) return [];
  const titles = new Map(agreements.map((a) => [String(a._id), a.title]));
  const rows = await statusMoves(
    'agreement',
    agreements.map((a) => a._id),
    limit + agreements.length,
  );
  const seen = new Set<string>();
  return rows.flatMap((r) => {
    const id = String(r.entityId);
    if (!seen.has(id)) {
      seen.add(id); // the newest move is the agreement's current status, shown by the partners' own source
      return [];
    }
    const to = r.changes.find((c) => c.field === 'status')?.to ?? '';
    return [
      {
        at: r.at,
        kind: 'agreement' as const,
        label: 'partners:timeline.agreement',
        params: {},
        keys: { status: `partners:agreementStatus.${to}` },
        text: [titles.get(id), r.note].filter(Boolean).join(' — '),
        by: r.actorName,
        href: `/agreements/${id}`,
      },
    ];
  });
});
