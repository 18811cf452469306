import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { advanceHeadOnWrites } from '../db/change-log.js';

import { taskSources, taskStatuses } from './constants.js';

export { taskSources, taskStatuses, type TaskStatus } from './constants.js';

// Action items from exploration, meetings and progress checks: one small module every feature uses.
const taskSchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 300 },
    notes: { type: String, default: '', maxlength: 5000 },
    ownerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    dueDate: { type: Date, default: null },
    status: { type: String, enum: taskStatuses, required: true, default: 'open' },
    completedAt: { type: Date, default: null },
    source: { type: String, enum: taskSources, required: true, default: 'manual' },
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', default: null },
    agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', default: null },
    meetingId: { type: Schema.Types.ObjectId, ref: 'Meeting', default: null },
    progressCheckId: { type: Schema.Types.ObjectId, ref: 'ProgressCheck', default: null },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    archived: { type: Boolean, default: false },
  },
  { timestamps: true },
);
taskSchema.index({ ownerId: 1, status: 1, dueDate: 1 });
taskSchema.index({ partnerId: 1, dueDate: 1 });
taskSchema.index({ agreementId: 1, status: 1 });
taskSchema.index({ meetingId: 1 });
taskSchema.index({ status: 1, dueDate: 1 });

// Overdue tasks count on the dashboard, which is cached per change of the data.
advanceHeadOnWrites(taskSchema);

export type TaskDoc = InferSchemaType<typeof taskSchema> & { _id: Types.ObjectId };
export const TaskModel = model('Task', taskSchema);
