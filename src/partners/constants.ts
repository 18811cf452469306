// The standard's vocabulary (C1 partnership types, C2 community resources, D2–D3 stages).
export const partnerTypes = ['community', 'government', 'school', 'faith', 'employer', 'service_provider', 'health', 'other'] as const;
export type PartnerType = (typeof partnerTypes)[number];

export const stages = ['identified', 'contacted', 'exploring', 'agreement', 'active', 'on_hold', 'closed'] as const;
export type Stage = (typeof stages)[number];

export const resourceCategories = ['material', 'financial', 'knowledge', 'networks', 'institutions', 'services'] as const;
export type ResourceCategory = (typeof resourceCategories)[number];

export const priorities = ['low', 'medium', 'high'] as const;
export type Priority = (typeof priorities)[number];
