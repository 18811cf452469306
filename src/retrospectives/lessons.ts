// Where earlier lessons meet new work: the partner's page shows the retrospectives of its agreements
// (and those still to write); when an agreement with that partner is being drafted, the partner's
// page and the draft's page add the lessons of partners of the same type. An ending agreement's page
// shows its own retrospective, or asks for it.
import type { Types } from 'mongoose';
import { agreementsOfPartner, type ListedAgreement } from '../agreements/directory.js';
import { endedStatuses } from '../agreements/constants.js';
import { canEditAgreement } from '../agreements/service.js';
import { partnersById } from '../partners/directory.js';
import type { SessionUser } from '../users/service.js';
import { endingOf } from './constants.js';
import { retrospectiveOf, retrospectivesAround } from './service.js';

/** How many same-type lessons a page shows; the rest are one link away (the search, filtered by type). */
const SAME_TYPE_SHOWN = 5;

async function lessons(
  user: SessionUser,
  partnerId: Types.ObjectId,
  opts: { drafting: boolean; agreements: readonly ListedAgreement[]; alsoDue?: string },
) {
  const type = opts.drafting ? ((await partnersById()).get(String(partnerId))?.type ?? null) : null;
  const rows = await retrospectivesAround(partnerId, type);
  const isOwn = (r: (typeof rows)[number]) => r.partnerIds.some((p) => String(p) === String(partnerId));
  const own = rows.filter(isOwn);
  const sameType = rows.filter((r) => !isOwn(r));
  const written = new Set(own.map((r) => String(r.agreementId)));
  // Ended agreements of this partner with no retrospective yet (and a renewal's original), to write.
  const due = opts.agreements
    .filter((a) => !a.archived && !written.has(String(a._id)) && (endedStatuses.includes(a.status) || String(a._id) === opts.alsoDue))
    .map((a) => ({ _id: a._id, title: a.title, status: a.status, canWrite: canEditAgreement(user, a) }));
  return { own, sameType: sameType.slice(0, SAME_TYPE_SHOWN), sameTypeTotal: sameType.length, type, due, drafting: opts.drafting };
}
export type Lessons = Awaited<ReturnType<typeof lessons>>;

/** The partner page's panel; null when there is nothing to show. */
export async function partnerLessons(user: SessionUser, partnerId: Types.ObjectId): Promise<Lessons | null> {
  const agreements = await agreementsOfPartner(partnerId);
  const drafting = agreements.some((a) => a.status === 'draft' && !a.archived);
  const l = await lessons(user, partnerId, { drafting, agreements });
  return l.own.length || l.due.length || drafting ? l : null;
}

type PageAgreement = Parameters<typeof endingOf>[0] & {
  _id: Types.ObjectId;
  partnerIds: Types.ObjectId[];
  ownerId: Types.ObjectId;
  teamIds: Types.ObjectId[];
  renewedFromId?: Types.ObjectId | null;
};

/** The agreement page's part: an ending agreement's own retrospective (or the request for it); a draft's lessons. */
export async function agreementLessons(user: SessionUser, a: PageAgreement) {
  const ending = endingOf(a);
  if (ending) return { ending, retrospective: await retrospectiveOf(a._id), canLookBack: canEditAgreement(user, a) };
  if (a.status !== 'draft' || !a.partnerIds[0]) return null;
  const lead = a.partnerIds[0];
  const agreements = await agreementsOfPartner(lead);
  return {
    lessons: await lessons(user, lead, { drafting: true, agreements, alsoDue: a.renewedFromId ? String(a.renewedFromId) : undefined }),
  };
}
