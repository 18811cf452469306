// What other features read of agreements outside the directories: one agreement by _id with the
// fields a page needs, the reminders' due lists, and the follow-up date progress checks keep. Each
// is the query its caller made before (a lookup by _id, or the job's one scan).
import type { Types } from 'mongoose';
import { AgreementModel, AgreementVersionModel } from './model.js';

type Id = Types.ObjectId | string;
const live = (id: Id) => ({ _id: id, archived: false });

/** Whether an agreement by this id exists: the route's 404 before its form. */
export const agreementExists = (id: Types.ObjectId) => AgreementModel.exists({ _id: id });

/** An agreement, whole (archived or not), or null. */
export const agreementById = (id: Id) => AgreementModel.findById(id).lean();

/** An agreement not archived, whole, or null. */
export const liveAgreement = (id: Id) => AgreementModel.findOne(live(id)).lean();

export const agreementTitle = (id: Id) => AgreementModel.findById(id, { title: 1 }).lean();
export const agreementTitleAndStatus = (id: Id) => AgreementModel.findById(id, { title: 1, status: 1 }).lean();
export const agreementTitleAndKpis = (id: Id) => AgreementModel.findById(id, { title: 1, kpis: 1 }).lean();
export const agreementKpis = (id: Id) => AgreementModel.findById(id, { kpis: 1 }).lean();
export const agreementPartners = (id: Id) => AgreementModel.findById(id, { partnerIds: 1 }).lean();
export const agreementFollowUp = (id: Id) => AgreementModel.findById(id, { followUp: 1 }).lean();
/** Owner and team: who works on the agreement. */
export const agreementTeam = (id: Id) => AgreementModel.findById(id, { ownerId: 1, teamIds: 1 }).lean();
/** What a new meeting for the agreement starts from (its partners, follow-up cadence, title). */
export const agreementForMeeting = (id: Id) => AgreementModel.findById(id, { partnerIds: 1, followUp: 1, title: 1 }).lean();
/** What a partner's follow-up page shows and who is told of the answer. */
export const agreementForFollowUp = (id: Id) => AgreementModel.findById(id, { title: 1, kpis: 1, ownerId: 1, partnerIds: 1 }).lean();
/** What the health page shows. */
export const agreementForHealth = (id: Id) => AgreementModel.findOne({ _id: id }, { title: 1, followUp: 1, status: 1 }).lean();
/** Title, owner and team of an agreement not archived (who may share it). */
export const liveAgreementTeam = (id: Id) => AgreementModel.findOne(live(id), { title: 1, ownerId: 1, teamIds: 1 }).lean();
/** What a shared link shows of an agreement not archived. */
export const sharedAgreement = (id: Id) =>
  AgreementModel.findOne(live(id), { title: 1, status: 1, startDate: 1, endDate: 1, language: 1, objectives: 1, kpis: 1 }).lean();

/** One saved version of an agreement (a version of another agreement is none). */
export const versionOf = (agreementId: Types.ObjectId, versionId: Types.ObjectId) =>
  AgreementVersionModel.findOne({ _id: versionId, agreementId }).lean();

/** The agreements a meeting may be for (not archived, not over; by title, at most 500). */
export const agreementOptions = () =>
  AgreementModel.find({ archived: false, status: { $in: ['draft', 'in_review', 'active'] } }, { title: 1, partnerIds: 1 })
    .sort({ title: 1 })
    .limit(500)
    .lean();

/** How many agreements (any status) name the partner. */
export const countAgreementsOfPartner = (partnerId: Types.ObjectId): Promise<number> =>
  AgreementModel.countDocuments({ partnerIds: partnerId });

// The follow-up schedule (progress/schedule.ts): what the rule reads, and the date it stores.
export const agreementForSchedule = (id: Id) =>
  AgreementModel.findById(id, { status: 1, startDate: 1, approvedAt: 1, createdAt: 1, followUp: 1 }).lean();
export async function setNextCheckDue(id: Types.ObjectId, due: Date | null): Promise<void> {
  await AgreementModel.updateOne({ _id: id }, { $set: { 'followUp.nextCheckDue': due } });
}

// The reminders' due lists.
/** Active agreements ending after `now` and by `horizon`, with their notice period. */
export const activeAgreementsEnding = (now: Date, horizon: Date) =>
  AgreementModel.find(
    { status: 'active', archived: false, endDate: { $ne: null, $gt: now, $lte: horizon } },
    { title: 1, ownerId: 1, teamIds: 1, endDate: 1, renewalNoticeDays: 1 },
  ).lean();

/** Active agreements with a funding installment due by `by`. */
export const agreementsWithInstallmentsDue = (by: Date) =>
  AgreementModel.find(
    { status: 'active', archived: false, 'funding.installments.dueDate': { $lte: by } },
    { title: 1, ownerId: 1, funding: 1 },
  ).lean();

/** Active agreements with a KPI at risk or off track (at most `limit`). */
export const agreementsAtRisk = (limit: number) =>
  AgreementModel.find({ status: 'active', archived: false, 'kpis.status': { $in: ['at_risk', 'off_track'] } }, { title: 1, kpis: 1 })
    .limit(limit)
    .lean();

/** Active agreements ending in [from, to], soonest first (at most `limit`). */
export const agreementsEndingBetween = (from: Date, to: Date, limit: number) =>
  AgreementModel.find({ status: 'active', archived: false, endDate: { $ne: null, $gte: from, $lte: to } }, { title: 1, endDate: 1 })
    .sort({ endDate: 1 })
    .limit(limit)
    .lean();
