// The organization's own name: our side of every agreement (pages, editor, printed document) and the
// signature of every email. Unset, the views say "our organization" in the reader's language.
import { recordAudit, type Actor } from '../audit/service.js';
import { SettingModel } from './model.js';

const KEY = 'organization.name';

export async function organizationName(): Promise<string> {
  const row = await SettingModel.findOne({ key: KEY }, { value: 1 }).lean();
  return typeof row?.value === 'string' ? row.value : '';
}

export async function setOrganizationName(actor: Actor, name: string): Promise<void> {
  const before = await organizationName();
  if (before === name) return;
  const row = await SettingModel.findOneAndUpdate(
    { key: KEY },
    { $set: { value: name } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  await recordAudit({ actor, entity: 'setting', entityId: row._id, action: 'update', changes: [{ field: KEY, from: before, to: name }] });
}
