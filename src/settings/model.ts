import { Schema, model } from 'mongoose';

// Organization-wide settings and one-time markers, one document per key.
const settingSchema = new Schema(
  {
    key: { type: String, required: true },
    value: { type: Schema.Types.Mixed, default: null },
  },
  { timestamps: true },
);
settingSchema.index({ key: 1 }, { unique: true });

export const SettingModel = model('Setting', settingSchema);
