import { Schema, model } from 'mongoose';

// C4: the organization's readiness for partnerships, self-assessed over time.
import { readinessCriteria } from './constants.js';

export { readinessCriteria, type ReadinessCriterion } from './constants.js';

const assessmentSchema = new Schema(
  {
    at: { type: Date, required: true, default: () => new Date() },
    byId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    byName: { type: String, default: '' },
    scores: {
      type: [
        new Schema(
          {
            criterion: { type: String, enum: readinessCriteria, required: true },
            score: { type: Number, required: true, min: 1, max: 5 },
            comment: { type: String, default: '', maxlength: 1000 },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    average: { type: Number, required: true },
  },
  { timestamps: true },
);
assessmentSchema.index({ at: -1 });

export const ReadinessAssessmentModel = model('ReadinessAssessment', assessmentSchema);
