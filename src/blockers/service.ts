// Blockers (seed 003: make blockers visible and help resolve them). A challenge or a support need
// raised in a progress check, a partner's follow-up answer or a meeting is recorded as a blocker of
// its agreement; the agreement page lists them, the dashboard shows the open ones worst first, the
// managers are told of those open for too long (the rule is constants.ts's isEscalated), and the
// agreement's shared page shows those the owner marked shared.
import { Types } from 'mongoose';
import { z } from 'zod';
import { recordAudit } from '../audit/service.js';
import { config } from '../config.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import type { MeetingActor } from '../meetings/service.js';
import { meetingById } from '../meetings/occurrences.js';
import { agreementForCheck, getCheck } from '../progress/service.js';
import { BlockerModel, type BlockerDoc } from './model.js';
import { agreementDirectory } from '../agreements/directory.js';
import { endedStatuses } from '../agreements/constants.js';
import { ageInDays, isEscalated, type BlockerSource } from './constants.js';

const objectId = /^[a-f0-9]{24}$/i;

/** The form: what blocks, what it hurts (`objective:<id>`, `kpi:<id>` or nothing), who can unblock it, shared or not. */
export const blockerSchema = z.object({
  what: z.string().trim().min(1, 'validation:required').max(2000, 'validation:tooLong'),
  hurts: z
    .string()
    .regex(/^((objective|kpi):[a-f0-9]{24})?$/i, 'validation:choice')
    .default(''),
  unblockBy: z.string().trim().max(300, 'validation:tooLong').default(''),
  shared: z.literal('on').optional(),
  source: z.enum(['check', 'meeting', 'agreement'], { message: 'validation:choice' }).default('agreement'),
  sourceId: z
    .string()
    .regex(/^([a-f0-9]{24})?$/i, 'validation:choice')
    .default(''),
});
export type BlockerInput = z.infer<typeof blockerSchema>;

/** The agreement a blocker is raised on, if the actor may write to it (its owner, its team, a manager). */
export async function agreementForBlocker(actor: MeetingActor, agreementId: Types.ObjectId) {
  const { agreement, canWrite } = await agreementForCheck(actor, agreementId);
  if (!canWrite) throw forbidden();
  return agreement;
}

/**
 * Where a blocker comes from, checked against its agreement: the progress check (a team check, or a
 * partner's answer, which is recorded as one) or the meeting, and the text it raised, to start from.
 */
export async function blockerOrigin(agreementId: Types.ObjectId, source: string, sourceId: string) {
  if ((source === 'check' || source === 'meeting') && objectId.test(sourceId)) {
    const id = new Types.ObjectId(sourceId);
    if (source === 'check') {
      const c = await getCheck(id);
      if (c && String(c.agreementId) === String(agreementId))
        return {
          source: (c.source === 'partner' ? 'followup' : 'check') as BlockerSource,
          sourceId: id,
          text: [c.challenges, c.supportNeeded].filter(Boolean).join('\n\n'),
        };
    } else {
      const m = await meetingById(id);
      if (m && String(m.agreementId) === String(agreementId)) return { source: 'meeting' as BlockerSource, sourceId: id, text: '' };
    }
    throw new RuleError('blockers:errors.source');
  }
  return { source: 'agreement' as BlockerSource, sourceId: null, text: '' };
}

export async function raiseBlocker(actor: MeetingActor, agreementId: Types.ObjectId, input: BlockerInput, now = new Date()) {
  const agreement = await agreementForBlocker(actor, agreementId);
  const origin = await blockerOrigin(agreementId, input.source, input.sourceId);
  const [kind, id] = input.hurts ? (input.hurts.split(':') as ['objective' | 'kpi', string]) : [null, null];
  const target =
    kind === 'objective'
      ? agreement.objectives.find((o) => String(o._id) === id)?.text
      : kind === 'kpi'
        ? agreement.kpis.find((k) => String(k._id) === id)?.name
        : '';
  if (target === undefined) throw new RuleError('blockers:errors.hurts');
  // A form sent twice (a double click, a reload) records the blocker once.
  const same = await BlockerModel.findOne({ agreementId, status: 'open', what: input.what }, { _id: 1 }).lean();
  if (same) return { blocker: same, created: false };
  const blocker = await BlockerModel.create({
    agreementId,
    what: input.what,
    hurtsKind: kind,
    hurtsId: id ? new Types.ObjectId(id) : null,
    hurtsLabel: target,
    unblockBy: input.unblockBy,
    source: origin.source,
    sourceId: origin.sourceId,
    shared: input.shared === 'on',
    raisedAt: now,
    raisedById: actor._id,
    raisedByName: actor.name,
  });
  await recordAudit({ actor, entity: 'agreement', entityId: agreementId, action: 'blocker:raise', note: input.what.slice(0, 200) });
  return { blocker, created: true };
}

async function ownBlocker(actor: MeetingActor, agreementId: Types.ObjectId, blockerId: Types.ObjectId) {
  await agreementForBlocker(actor, agreementId);
  const b = await BlockerModel.findOne({ _id: blockerId, agreementId }).lean();
  if (!b) throw notFound();
  return b;
}

/** Marks a blocker resolved, with what unblocked it; resolving it again changes nothing. */
export async function resolveBlocker(
  actor: MeetingActor,
  agreementId: Types.ObjectId,
  blockerId: Types.ObjectId,
  resolution: string,
  now = new Date(),
) {
  const b = await ownBlocker(actor, agreementId, blockerId);
  if (b.status === 'resolved') return false;
  await BlockerModel.updateOne(
    { _id: blockerId, status: 'open' },
    { $set: { status: 'resolved', resolvedAt: now, resolvedByName: actor.name, resolution: resolution.trim().slice(0, 2000) } },
  );
  await recordAudit({ actor, entity: 'agreement', entityId: agreementId, action: 'blocker:resolve', note: b.what.slice(0, 200) });
  return true;
}

/** Shows the blocker on the agreement's shared page, or stops showing it. */
export async function shareBlocker(actor: MeetingActor, agreementId: Types.ObjectId, blockerId: Types.ObjectId, shared: boolean) {
  await ownBlocker(actor, agreementId, blockerId);
  await BlockerModel.updateOne({ _id: blockerId }, { $set: { shared } });
}

const withAge = (b: BlockerDoc, now: Date) => ({
  ...b,
  age: ageInDays(b, now),
  escalated: isEscalated(b, now, config.reminders.blockerEscalationDays),
});

/** An agreement's blockers: the open ones first, oldest first, then the resolved, latest first. */
export async function blockersOf(agreementId: Types.ObjectId, now = new Date()) {
  const all = await BlockerModel.find({ agreementId }).sort({ raisedAt: 1 }).limit(500).lean<BlockerDoc[]>();
  const open = all.filter((b) => b.status === 'open');
  const resolved = all.filter((b) => b.status === 'resolved').reverse();
  return [...open, ...resolved].map((b) => withAge(b, now));
}

/** What an agreement's shared page shows: the blockers its owner marked shared. */
export async function sharedBlockers(agreementId: Types.ObjectId, now = new Date()) {
  return (await blockersOf(agreementId, now))
    .filter((b) => b.shared)
    .map((b) => ({ what: b.what, hurts: b.hurtsLabel, unblockBy: b.unblockBy, status: b.status, age: b.age, resolution: b.resolution }));
}

/** Every open blocker, oldest first, in one command (the dashboard; the escalations). */
export const openBlockers = (limit = 20_000) =>
  BlockerModel.find({ status: 'open' }, { agreementId: 1, what: 1, hurtsLabel: 1, unblockBy: 1, status: 1, raisedAt: 1 })
    .sort({ raisedAt: 1 })
    .limit(limit)
    .lean();

/** The open blockers of running agreements (draft to active) that are escalated at `now`, oldest first, with their agreement's title. */
export async function escalatedBlockers(now: Date, limit = 20_000) {
  const days = config.reminders.blockerEscalationDays;
  const [open, agreements] = await Promise.all([openBlockers(limit), agreementDirectory()]);
  // A blocker of an agreement that has ended no longer blocks anything worth escalating.
  const running = new Map(agreements.filter((a) => !a.archived && !endedStatuses.includes(a.status)).map((a) => [String(a._id), a]));
  return open
    .filter((b) => running.has(String(b.agreementId)) && isEscalated(b, now, days))
    .map((b) => ({
      ...b,
      title: running.get(String(b.agreementId))!.title,
      ownerId: running.get(String(b.agreementId))!.ownerId,
      age: ageInDays(b, now),
    }));
}
