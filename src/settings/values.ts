// The key/value settings other features keep (the setup mark, the KPI thresholds): one document per key.
import { SettingModel } from './model.js';

export const settingExists = async (key: string): Promise<boolean> => (await SettingModel.countDocuments({ key })) > 0;

/** Creates the key once: a second claim fails with the duplicate-key error (code 11000), even concurrently. */
export async function claimSetting(key: string, value: unknown): Promise<void> {
  await SettingModel.create({ key, value });
}

export async function removeSetting(key: string): Promise<void> {
  await SettingModel.deleteOne({ key });
}

/** The stored value, or undefined when the key was never set. */
export async function settingValue(key: string): Promise<unknown> {
  return (await SettingModel.findOne({ key }).lean())?.value;
}

export async function saveSetting(key: string, value: unknown): Promise<void> {
  await SettingModel.updateOne({ key }, { $set: { value } }, { upsert: true });
}
