// Retrospectives: the lessons of an agreement that ended (or whose renewal is drafted), written by
// its owner, team or a manager; searched across the portfolio; shown on the partner's page and on a
// new draft with that partner or a partner of the same type (lessons.ts).
import type { Types, QueryFilter } from 'mongoose';
import { z } from 'zod';
import { recordAudit } from '../audit/service.js';
import { claimRevision, RevisionConflict } from '../db/revision.js';
import { forbidden, RuleError } from '../http/errors.js';
import { orNotFound } from '../http/ids.js';
import type { Page } from '../http/paginate.js';
import { multiLine } from '../http/text-fields.js';
import { agreementById } from '../agreements/lookups.js';
import { agreementDirectory } from '../agreements/directory.js';
import { endedStatuses } from '../agreements/constants.js';
import { canEditAgreement, partyNames } from '../agreements/service.js';
import { getThresholds, kpiMet } from '../agreements/kpis.js';
import { partnersById } from '../partners/directory.js';
import { partnerTypes } from '../partners/constants.js';
import type { SessionUser } from '../users/service.js';
import { escapeRegex, foldText } from '../util/text.js';
import { endingOf, endings, partnerAgainChoices } from './constants.js';
import { RetrospectiveModel, type RetrospectiveDoc } from './model.js';

/** The form. At least one lesson (what worked or what did not), and why we would partner again or not. */
const retrospectiveFields = z.object({
  worked: multiLine(3000).trim().default(''),
  didNotWork: multiLine(3000).trim().default(''),
  partnerAgain: z.enum(partnerAgainChoices, { message: 'validation:choice' }),
  why: multiLine(2000).trim().min(1, 'validation:required'),
  communicate: multiLine(2000).trim().default(''),
  rev: z.string().default(''),
});
const lessons = retrospectiveFields.pick({ worked: true, didNotWork: true });
export const retrospectiveSchema = retrospectiveFields.refine((v) => v.worked || v.didNotWork, {
  path: ['worked'],
  message: 'retrospectives:errors.lesson',
  // Checked even when another field is refused, so the form lists every problem at once.
  when: (payload) => lessons.safeParse(payload.value).success,
});
export type RetrospectiveInput = z.infer<typeof retrospectiveSchema>;

type Agreement = NonNullable<Awaited<ReturnType<typeof agreementById>>>;

/** The KPIs of `a` whose latest value reached the target, as the retrospective lists them. */
export async function successesOf(a: Pick<Agreement, 'kpis'>) {
  const { maintainTolerance } = await getThresholds();
  return a.kpis
    .filter((k) => kpiMet(k, maintainTolerance))
    .map((k) => ({ name: k.name, value: k.latestValue!, target: k.target, unit: k.unit }));
}

export const retrospectiveOf = (agreementId: Types.ObjectId) => RetrospectiveModel.findById(agreementId).lean<RetrospectiveDoc>();

/** The agreement a retrospective is written for: one that is ending, and that the actor may write to. */
export async function agreementToLookBack(actor: SessionUser, agreementId: Types.ObjectId) {
  const a = orNotFound(await agreementById(agreementId));
  if (!canEditAgreement(actor, a)) throw forbidden();
  const ending = endingOf(a);
  if (!ending) throw new RuleError('retrospectives:errors.notEnding');
  return { a, ending };
}

/**
 * Writes the agreement's retrospective, or saves a change to it from the revision the form was read
 * at (a stale or a concurrent save gets a RevisionConflict with the stored one: the route shows the
 * form again with the user's text). The successes are the KPIs met as of this save.
 */
export async function writeRetrospective(actor: SessionUser, agreementId: Types.ObjectId, input: RetrospectiveInput, now = new Date()) {
  const { a, ending } = await agreementToLookBack(actor, agreementId);
  const [existing, names, partners, successes] = await Promise.all([
    retrospectiveOf(agreementId),
    partyNames(a.partnerIds),
    partnersById(),
    successesOf(a),
  ]);
  const partnerNames = a.partnerIds.map((p) => names[String(p)] ?? '').filter(Boolean);
  const fields = {
    title: a.title,
    kind: a.kind,
    ending,
    partnerIds: a.partnerIds,
    partnerNames,
    partnerType: partners.get(String(a.partnerIds[0]))?.type ?? '',
    ownerId: a.ownerId,
    worked: input.worked,
    didNotWork: input.didNotWork,
    partnerAgain: input.partnerAgain,
    why: input.why,
    communicate: input.communicate,
    successes,
    searchFolded: foldText([a.title, ...partnerNames, input.worked, input.didNotWork, input.why, input.communicate].join(' ')),
  };
  if (existing) {
    if (!(await claimRevision('retrospective', existing._id, existing.rev, input.rev)))
      throw new RevisionConflict('retrospectives:errors.conflict', existing);
    await RetrospectiveModel.updateOne({ _id: existing._id }, { $set: fields, $inc: { rev: 1 } });
  } else {
    try {
      await RetrospectiveModel.create({
        ...fields,
        _id: agreementId,
        agreementId,
        writtenById: actor._id,
        writtenByName: actor.name,
        writtenAt: now,
      });
    } catch (err) {
      // Two first saves at once: the _id (the agreement's) keeps one; the other sees it, with its text kept.
      if ((err as { code?: number }).code !== 11000) throw err;
      throw new RevisionConflict('retrospectives:errors.conflict', await retrospectiveOf(agreementId));
    }
  }
  await recordAudit({
    actor,
    entity: 'agreement',
    entityId: agreementId,
    action: existing ? 'retrospective:edit' : 'retrospective:write',
  });
  return { created: !existing };
}

/** The search page's query: words (each must match, in any order, accents and case aside) and filters. */
export const searchQuerySchema = z.object({
  q: z.string().trim().max(200).catch(''),
  partnerType: z.enum(partnerTypes).optional().catch(undefined),
  partnerAgain: z.enum(partnerAgainChoices).optional().catch(undefined),
  ending: z.enum(endings).optional().catch(undefined),
});
export type RetrospectiveQuery = z.infer<typeof searchQuerySchema>;

export function searchFilter(q: RetrospectiveQuery): QueryFilter<RetrospectiveDoc> {
  const words = foldText(q.q).split(' ').filter(Boolean).slice(0, 12);
  const f: QueryFilter<RetrospectiveDoc> = {};
  if (words.length) f.$and = words.map((w) => ({ searchFolded: { $regex: escapeRegex(w) } }));
  if (q.partnerType) f.partnerType = q.partnerType;
  if (q.partnerAgain) f.partnerAgain = q.partnerAgain;
  if (q.ending) f.ending = q.ending;
  return f;
}

/** One page of the retrospectives matching `q`, latest first, and how many match. */
export async function searchRetrospectives(q: RetrospectiveQuery, page: Page) {
  const f = searchFilter(q);
  const [items, total] = await Promise.all([
    RetrospectiveModel.find(f, { searchFolded: 0 })
      .sort({ writtenAt: -1, _id: 1 })
      .skip((page.page - 1) * page.perPage)
      .limit(page.perPage)
      .lean<RetrospectiveDoc[]>(),
    RetrospectiveModel.countDocuments(f),
  ]);
  return { items, total };
}

/** The retrospectives of a partner's agreements, and those of partners of `type`, in one read, latest first. */
export const retrospectivesAround = (partnerId: Types.ObjectId, type: string | null) =>
  RetrospectiveModel.find(type ? { $or: [{ partnerIds: partnerId }, { partnerType: type }] } : { partnerIds: partnerId }, {
    searchFolded: 0,
  })
    .sort({ writtenAt: -1 })
    .limit(200)
    .lean<RetrospectiveDoc[]>();

/** Which of these agreements have a retrospective. */
export async function withRetrospective(agreementIds: Types.ObjectId[]): Promise<Set<string>> {
  if (!agreementIds.length) return new Set();
  const rows = await RetrospectiveModel.find({ _id: { $in: agreementIds } }, { _id: 1 }).lean();
  return new Set(rows.map((r) => String(r._id)));
}

// When an ended agreement's owner is asked, by mail, for its retrospective: a day after the end (who
// ended it by hand was taken to the form already), and not for an end older than two weeks (a first
// deployment asks for no old history).
const ASK_AFTER_MS = 86_400_000;
const ASK_WITHIN_MS = 14 * 86_400_000;

/** Agreements that ended one to fourteen days before `now` and have no retrospective: their owners are asked. */
export async function endedWithoutRetrospective(now: Date) {
  const age = (a: { statusChangedAt: Date }) => now.getTime() - a.statusChangedAt.getTime();
  const ended = (await agreementDirectory()).filter(
    (a) => !a.archived && endedStatuses.includes(a.status) && age(a) >= ASK_AFTER_MS && age(a) <= ASK_WITHIN_MS,
  );
  const written = await withRetrospective(ended.map((a) => a._id));
  return ended.filter((a) => !written.has(String(a._id)));
}
