import { Schema, model } from 'mongoose';
import { advanceHeadOnWrites } from '../db/change-log.js';

// Reusable action plans: a list of tasks with due-date offsets, applied to a partner in one click.
const templateSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    items: {
      type: [{ title: { type: String, required: true, maxlength: 300 }, offsetDays: { type: Number, required: true, min: 0, max: 3650 } }],
      default: [],
    },
  },
  { timestamps: true },
);
templateSchema.index({ name: 1 });
// The names the partner page offers are cached per change of the data.
advanceHeadOnWrites(templateSchema);

export const TaskTemplateModel = model('TaskTemplate', templateSchema);

export { d3Steps } from './constants.js';
