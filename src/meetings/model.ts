import { Schema, model, type InferSchemaType, type Model, type Types } from 'mongoose';
import { bulkUpdateById, logWrites } from '../db/change-log.js';
import { cadences, monthlyModes } from './recurrence.js';

import { attendeeResponses, meetingKinds } from './constants.js';

export { attendeeResponses, meetingKinds, type MeetingKind } from './constants.js';

// A recurring series: the rule in local wall-clock terms, placed in `zone`. Its occurrences are
// materialized as Meeting documents so lists and calendars are plain indexed queries.
const seriesSchema = new Schema(
  {
    cadence: { type: String, enum: cadences, required: true },
    monthlyMode: { type: String, enum: monthlyModes, default: 'date' },
    startDate: { type: String, required: true }, // local YYYY-MM-DD
    startTime: { type: String, required: true }, // local HH:mm
    durationMinutes: { type: Number, required: true, default: 60 },
    zone: { type: String, required: true },
    untilDate: { type: String, default: null },
    count: { type: Number, default: null },
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', default: null },
    ownerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    // Series split by "edit from this date onward": the earlier part keeps its id, the rest is new.
    previousSeriesId: { type: Schema.Types.ObjectId, ref: 'MeetingSeries', default: null },
    sequence: { type: Number, default: 0 },
    archived: { type: Boolean, default: false },
  },
  { timestamps: true },
);
seriesSchema.index({ partnerId: 1 });
seriesSchema.index({ agreementId: 1 });

export type MeetingSeriesDoc = InferSchemaType<typeof seriesSchema> & { _id: Types.ObjectId };
export const MeetingSeriesModel = model('MeetingSeries', seriesSchema);

const attendeeSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  contactId: { type: Schema.Types.ObjectId, default: null }, // a partner contact (subdocument id)
  name: { type: String, default: '' },
  email: { type: String, default: '' },
  response: { type: String, enum: attendeeResponses, default: 'none' },
});

const meetingSchema = new Schema(
  {
    kind: { type: String, enum: meetingKinds, required: true, default: 'planning' },
    title: { type: String, required: true, trim: true, maxlength: 300 },
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    agreementId: { type: Schema.Types.ObjectId, ref: 'Agreement', default: null },
    ownerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    durationMinutes: { type: Number, required: true, default: 60 },
    zone: { type: String, required: true },
    location: { type: String, default: '', maxlength: 500 },
    videoUrl: { type: String, default: '', maxlength: 1000 },
    attendees: { type: [attendeeSchema], default: [] },
    attendeeUserIds: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: [] }, // for "mine" queries
    agenda: { type: String, default: '', maxlength: 20000 },
    minutes: { type: String, default: '', maxlength: 50000 },
    decisions: { type: String, default: '', maxlength: 20000 },
    // Series occurrence: the series and the original local start (stable, also the RECURRENCE-ID).
    seriesId: { type: Schema.Types.ObjectId, ref: 'MeetingSeries', default: null },
    occurrenceKey: { type: String, default: null },
    originalStart: { type: Date, default: null },
    moved: { type: Boolean, default: false },
    cancelled: { type: Boolean, default: false },
    sequence: { type: Number, default: 0 }, // incremented on every change (iCalendar SEQUENCE)
    // The revision its edit forms were read at (db/revision.ts): bumped by every save from a form.
    rev: { type: Number, default: 0 },
    archived: { type: Boolean, default: false },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
);
meetingSchema.index({ start: 1 });
meetingSchema.index({ ownerId: 1, start: 1 });
meetingSchema.index({ attendeeUserIds: 1, start: 1 });
meetingSchema.index({ partnerId: 1, start: -1 });
meetingSchema.index({ agreementId: 1, start: -1 });
meetingSchema.index({ seriesId: 1, start: 1 });
meetingSchema.index({ seriesId: 1, occurrenceKey: 1 });
// Every write is logged, so each process's meeting directory re-reads what changed.
logWrites(meetingSchema, 'meetings', () => MeetingModel as unknown as Model<unknown>);

export type MeetingDoc = InferSchemaType<typeof meetingSchema> & { _id: Types.ObjectId };
export const MeetingModel = model('Meeting', meetingSchema);

// A private calendar feed per user: only the SHA-256 of the secret token is stored.
const feedSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    tokenHash: { type: String, required: true },
    revoked: { type: Boolean, default: false },
  },
  { timestamps: true },
);
feedSchema.index({ tokenHash: 1 }, { unique: true });
feedSchema.index({ userId: 1, revoked: 1 });

export const CalendarFeedModel = model('CalendarFeed', feedSchema);

/** Updates meetings, each named by _id, in one bulk write logged with their ids (applied at once by every directory). */
export const updateMeetingsById = (ops: Parameters<typeof bulkUpdateById>[2]): Promise<void> =>
  bulkUpdateById(MeetingModel as unknown as Model<unknown>, 'meetings', ops);
