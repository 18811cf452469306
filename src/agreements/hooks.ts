// What other features add to the agreement's rules without the agreements feature depending on
// them: a check before an approval (the parties' own agreement, say) and a listener after an edit.
import type { Types } from 'mongoose';
import type { AgreementDoc } from './model.js';

type ApprovalCheck = (a: AgreementDoc) => Promise<void>;
type EditListener = (id: Types.ObjectId) => Promise<void>;

const approvalChecks: ApprovalCheck[] = [];
const editListeners: EditListener[] = [];

/** A check every approval passes; it throws a RuleError to refuse it. */
export const registerApprovalCheck = (check: ApprovalCheck): void => void approvalChecks.push(check);
/** Called after every saved edit of an agreement's content (an amendment's too). */
export const onAgreementEdited = (listener: EditListener): void => void editListeners.push(listener);

export async function checkApproval(a: AgreementDoc): Promise<void> {
  for (const check of approvalChecks) await check(a);
}

export async function agreementEdited(id: Types.ObjectId): Promise<void> {
  for (const listener of editListeners) await listener(id);
}
