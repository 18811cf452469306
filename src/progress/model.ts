import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { advanceHeadOnWrites } from '../db/change-log.js';

import { checkStatuses } from './constants.js';

export {
  checkStatuses,
  healthBand,
  healthDimensions,
  HEALTH_BANDS,
  HEALTH_MAX,
  HEALTH_MIN,
  type CheckStatus,
  type HealthBand,
  type HealthDimension,
} from './constants.js';

// A team check rates every dimension; a partner's answer may leave the optional questions unrated.
function teamCheck(this: { source?: string }): boolean {
  return this.source !== 'partner';
}
const rating = { type: Number, min: 1, max: 5, default: null, required: teamCheck };
const comment = { type: String, default: '', maxlength: 2000 };

const progressCheckSchema = new Schema(
  {
    agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', required: true },
    partnerIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Partner' }], default: [] },
    periodStart: { type: Date, required: true },
    periodEnd: { type: Date, required: true },
    status: { type: String, enum: checkStatuses, default: null, required: teamCheck },
    progress: { type: String, default: '', maxlength: 10000 },
    challenges: { type: String, default: '', maxlength: 10000 },
    supportNeeded: { type: String, default: '', maxlength: 5000 },
    health: {
      trust: rating,
      communication: rating,
      sharedGoals: rating,
      roles: rating,
      mutualBenefit: rating,
    },
    healthComments: {
      trust: comment,
      communication: comment,
      sharedGoals: comment,
      roles: comment,
      mutualBenefit: comment,
    },
    // The sum of the five ratings; a partner's answer that left one unrated has none.
    healthScore: { type: Number, default: null, required: teamCheck },
    // A team check, or a partner contact's contribution (created by the reminders feature).
    source: { type: String, enum: ['team', 'partner'], default: 'team' },
    contactId: { type: Schema.Types.ObjectId, default: null },
    // A partner's answer: the due date of the follow-up round it answers (set against the team's check).
    round: { type: Date, default: null },
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', default: null },
    recordedById: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    recordedByName: { type: String, default: '' },
    archived: { type: Boolean, default: false },
  },
  { timestamps: true },
);
progressCheckSchema.index({ agreementId: 1, periodEnd: -1 });
progressCheckSchema.index({ partnerIds: 1, periodEnd: -1 });
progressCheckSchema.index({ recordedById: 1, createdAt: -1 });

// Checks feed the dashboard's health block, which is cached per change of the data.
advanceHeadOnWrites(progressCheckSchema);

export type ProgressCheckDoc = InferSchemaType<typeof progressCheckSchema> & { _id: Types.ObjectId };
export const ProgressCheckModel = model('ProgressCheck', progressCheckSchema);
