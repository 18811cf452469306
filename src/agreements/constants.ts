// The standard's D4 vocabulary: kinds of agreement, status lifecycle, the eight elements.
export const agreementKinds = ['letter_of_intent', 'memorandum', 'verbal', 'contract'] as const;
export type AgreementKind = (typeof agreementKinds)[number];
export const formalKinds: readonly AgreementKind[] = ['contract'];

export const agreementStatuses = ['draft', 'in_review', 'active', 'expired', 'terminated', 'renewed'] as const;
export type AgreementStatus = (typeof agreementStatuses)[number];
/** The statuses of an agreement that has ended: nothing more is written to it. */
export const endedStatuses: readonly AgreementStatus[] = ['expired', 'terminated', 'renewed'];
/** An amendment of an active agreement: in preparation, then in review; approval applies it. */
export const amendmentStatuses = ['draft', 'in_review'] as const;
export const amendmentMoves = ['submit', 'approve', 'send_back', 'withdraw'] as const;
export type AmendmentMove = (typeof amendmentMoves)[number];

export const elements = ['purpose', 'governance', 'objectives', 'resources', 'funding', 'communication', 'kpis', 'followUp'] as const;
export type AgreementElement = (typeof elements)[number];

export const governanceTypes = ['steering_committee', 'joint_working_group', 'lead_organization', 'informal'] as const;
export const cadences = ['weekly', 'biweekly', 'monthly'] as const;
export type Cadence = (typeof cadences)[number];
export const checkFrequencies = ['monthly', 'quarterly', 'semiannual', 'annual'] as const;
export type CheckFrequency = (typeof checkFrequencies)[number];

export const kpiDirections = ['increase', 'decrease', 'maintain'] as const;
export type KpiDirection = (typeof kpiDirections)[number];
export const kpiUnits = ['number', 'percent', 'currency', 'hours', 'people', 'other'] as const;
export const kpiStatuses = ['on_track', 'at_risk', 'off_track', 'no_data'] as const;
export type KpiStatus = (typeof kpiStatuses)[number];
export { partnerTypes as partnerTypesForFilter } from '../partners/constants.js';
