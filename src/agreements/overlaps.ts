// Overlapping agreements (seed 001: avoid effort duplication): while an agreement is drafted or in
// review, the active agreements of any of its partners whose objectives or committed resources
// overlap its own (util/shared-words.ts), each with its owner, so the two people can talk first.
import { userNameRecord } from '../users/people.js';
import { sharedWords } from '../util/shared-words.js';
import { agreementsOfPartner } from './directory.js';
import { agreementById } from './lookups.js';
import type { AgreementDoc } from './model.js';
import { openStatuses } from './status.js';

type Content = Pick<AgreementDoc, '_id' | 'status' | 'partnerIds' | 'objectives' | 'resources'>;

/** Pairs of this agreement's texts and the other's that overlap, with the words they share. */
function pairs(mine: string[], theirs: string[]) {
  return mine.flatMap((m) =>
    theirs.flatMap((t) => {
      const words = sharedWords(m, t);
      return words.length ? [{ mine: m, theirs: t, words }] : [];
    }),
  );
}

export async function overlapsOf(a: Content) {
  if (!openStatuses.includes(a.status) || (!a.objectives.length && !a.resources.length)) return [];
  const listed = (await Promise.all(a.partnerIds.map((p) => agreementsOfPartner(p)))).flat();
  const ids = [...new Set(listed.filter((o) => o.status === 'active' && !o.archived && !o._id.equals(a._id)).map((o) => String(o._id)))];
  // Each read by _id: objectives and resources are not in the directory.
  const others = (await Promise.all(ids.map((id) => agreementById(id)))).filter((o) => o !== null);
  const found = others
    .map((o) => ({
      _id: o._id,
      title: o.title,
      ownerId: o.ownerId,
      partnerIds: o.partnerIds.filter((p) => a.partnerIds.some((q) => q.equals(p))),
      objectives: pairs(
        a.objectives.map((x) => x.text),
        o.objectives.map((x) => x.text),
      ),
      resources: pairs(a.resources.map((x) => x.what ?? '').filter(Boolean), o.resources.map((x) => x.what ?? '').filter(Boolean)),
    }))
    .filter((o) => o.objectives.length || o.resources.length);
  const owners = await userNameRecord(found.map((o) => o.ownerId));
  return found.map((o) => ({ ...o, ownerName: owners[String(o.ownerId)] ?? '' }));
}
