import { logWrites } from '../db/change-log.js';
import { Schema, model, type InferSchemaType, type Model, type Types } from 'mongoose';
import { locales } from '../users/roles.js';
import {
  agreementKinds,
  agreementStatuses,
  amendmentStatuses,
  cadences,
  checkFrequencies,
  governanceTypes,
  kpiDirections,
  kpiUnits,
} from './constants.js';

// A party is one partner of the agreement, or our own organization (partnerId null, isOwnOrg true).
const partyRef = { type: Schema.Types.ObjectId, ref: 'Partner', default: null };

const kpiSchema = new Schema({
  name: { type: String, required: true, trim: true, maxlength: 200 },
  description: { type: String, default: '', maxlength: 2000 },
  unit: { type: String, enum: kpiUnits, default: 'number' },
  baseline: { type: Number, required: true },
  target: { type: Number, required: true },
  direction: { type: String, enum: kpiDirections, required: true, default: 'increase' },
  frequency: { type: String, enum: checkFrequencies, default: 'quarterly' },
  ownerPartnerId: partyRef, // null: our organization
  dataSource: { type: String, default: '', maxlength: 500 },
  // Denormalized from the measurements for lists and the dashboard (recomputed on every measurement).
  latestValue: { type: Number, default: null },
  latestAt: { type: Date, default: null },
  status: { type: String, enum: ['on_track', 'at_risk', 'off_track', 'no_data'], default: 'no_data' },
});

const agreementSchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 300 },
    partnerIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Partner' }], required: true }, // lead partner first
    kind: { type: String, enum: agreementKinds, required: true, default: 'memorandum' },
    language: { type: String, enum: locales, default: 'fr' },
    ownerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    teamIds: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: [] },
    startDate: { type: Date, default: null },
    endDate: { type: Date, default: null },
    renewalNoticeDays: { type: Number, default: 60 },
    status: { type: String, enum: agreementStatuses, required: true, default: 'draft' },
    statusChangedAt: { type: Date, default: () => new Date() },
    // The eight elements (D4)
    purpose: { type: String, default: '', maxlength: 10000 },
    governance: {
      type: { type: String, enum: [...governanceTypes, ''], default: '' },
      decisionProcess: { type: String, default: '', maxlength: 5000 },
      roles: { type: [{ partyPartnerId: partyRef, responsibilities: { type: String, maxlength: 3000 } }], default: [] },
    },
    objectives: { type: [{ text: { type: String, required: true, maxlength: 1000 } }], default: [] },
    resources: {
      type: [
        { what: { type: String, maxlength: 500 }, providerPartnerId: partyRef, forWhom: { type: String, default: '', maxlength: 500 } },
      ],
      default: [],
    },
    funding: {
      none: { type: Boolean, default: false }, // an informal agreement may have no funding
      total: { type: Number, default: null },
      currency: { type: String, default: 'CAD', maxlength: 3 },
      contributions: {
        type: [
          {
            partyPartnerId: partyRef,
            kind: { type: String, enum: ['cash', 'in_kind'], default: 'cash' },
            value: Number,
            description: String,
          },
        ],
        default: [],
      },
      installments: {
        type: [{ dueDate: Date, amount: Number, paid: { type: Boolean, default: false }, paidAt: { type: Date, default: null } }],
        default: [],
      },
    },
    communication: {
      channels: { type: [String], default: [] },
      frequency: { type: String, default: '', maxlength: 200 },
      language: { type: String, default: '', maxlength: 50 },
      contactPoints: { type: [{ partyPartnerId: partyRef, name: String, email: String }], default: [] },
    },
    kpis: { type: [kpiSchema], default: [] },
    followUp: {
      checkFrequency: { type: String, enum: [...checkFrequencies, ''], default: '' },
      meetingCadence: { type: String, enum: [...cadences, ''], default: '' },
      reportingDuties: { type: String, default: '', maxlength: 3000 },
      nextReviewDate: { type: Date, default: null },
      nextCheckDue: { type: Date, default: null }, // computed by the progress-check service
    },
    // Approval, signatures, ending and renewal
    approvedById: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    approvedAt: { type: Date, default: null },
    approvalOverride: { type: Boolean, default: false }, // an administrator approved her own agreement (separation of duties overridden)
    signatories: { type: [{ name: String, organization: String, signedAt: Date }], default: [] },
    terminationReason: { type: String, default: '' },
    renewedFromId: { type: Schema.Types.ObjectId, ref: 'Agreement', default: null },
    renewedToId: { type: Schema.Types.ObjectId, ref: 'Agreement', default: null },
    // A material change to an active agreement waits here, in review, while the approved text stays
    // in force; approval applies it (src/agreements/amendments.ts).
    amendment: {
      type: new Schema(
        {
          status: { type: String, enum: amendmentStatuses, required: true },
          changes: { type: Schema.Types.Mixed, default: {} }, // element → the patch the edit form produced
          elements: { type: [String], default: undefined },
          authorIds: { type: [Schema.Types.ObjectId], default: undefined },
          startedAt: { type: Date, required: true },
          submittedAt: { type: Date, default: null },
          comment: { type: String, default: '', maxlength: 2000 }, // why it was sent back
        },
        { _id: false },
      ),
      default: null,
    },
    archived: { type: Boolean, default: false },
    completeness: { type: Number, default: 0 }, // 0–8, recomputed on every save by the service
    rev: { type: Number, required: true, default: 0 },
    titleFolded: { type: String, default: '' },
  },
  { timestamps: true },
);
agreementSchema.index({ archived: 1, status: 1, updatedAt: -1 });
agreementSchema.index({ partnerIds: 1, status: 1 });
agreementSchema.index({ ownerId: 1, status: 1 });
agreementSchema.index({ teamIds: 1 });
agreementSchema.index({ status: 1, endDate: 1 });
agreementSchema.index({ status: 1, 'followUp.nextCheckDue': 1 });
agreementSchema.index({ 'funding.installments.dueDate': 1 });

// Every write is logged, so each process's agreement directory re-reads what changed.
logWrites(agreementSchema, 'agreements', () => AgreementModel as unknown as Model<unknown>);

export type AgreementDoc = InferSchemaType<typeof agreementSchema> & { _id: Types.ObjectId };
export const AgreementModel = model('Agreement', agreementSchema);

// KPI values over time: one document per measurement (by a user, or a partner contact via a follow-up link).
const measurementSchema = new Schema(
  {
    agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', required: true },
    kpiId: { type: Schema.Types.ObjectId, required: true },
    value: { type: Number, required: true },
    periodStart: { type: Date, default: null },
    periodEnd: { type: Date, required: true },
    comment: { type: String, default: '', maxlength: 2000 },
    recordedById: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    recordedByContactId: { type: Schema.Types.ObjectId, default: null },
    recordedByName: { type: String, default: '' },
    progressCheckId: { type: Schema.Types.ObjectId, ref: 'ProgressCheck', default: null },
  },
  { timestamps: true },
);
measurementSchema.index({ agreementId: 1, kpiId: 1, periodEnd: -1 });
measurementSchema.index({ periodEnd: -1 });
measurementSchema.index({ progressCheckId: 1 });
// Every write is logged, so each process's measurement directory re-reads what changed.
logWrites(measurementSchema, 'kpimeasurements', () => KpiMeasurementModel as unknown as Model<unknown>);

export const KpiMeasurementModel = model('KpiMeasurement', measurementSchema);

const versionSchema = new Schema({
  agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', required: true },
  rev: { type: Number, required: true },
  at: { type: Date, required: true, default: () => new Date() },
  byId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  byName: { type: String, default: '' },
  elements: { type: [String], default: [] }, // which elements changed
  snapshot: { type: Schema.Types.Mixed, required: true }, // the agreement as it was before the change
});
versionSchema.index({ agreementId: 1, rev: -1 });

/** Versions of an active agreement: who changed which element, when, and what it was before. */
export const AgreementVersionModel = model('AgreementVersion', versionSchema);
