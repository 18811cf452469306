// The progress check's values, shared with the dashboard and the partner follow-up form.
export const checkStatuses = ['on_track', 'at_risk', 'off_track'] as const;
export type CheckStatus = (typeof checkStatuses)[number];
/** The five partnership-health dimensions, each rated 1–5. */
export const healthDimensions = ['trust', 'communication', 'sharedGoals', 'roles', 'mutualBenefit'] as const;
export type HealthDimension = (typeof healthDimensions)[number];

// Health score = sum of the five ratings (5–25), shown with its band.
export const HEALTH_MIN = 5;
export const HEALTH_MAX = 25;
export const HEALTH_BANDS = [
  { band: 'needs_attention', below: 12 },
  { band: 'developing', below: 19 },
  { band: 'strong', below: Infinity },
] as const;
export type HealthBand = (typeof HEALTH_BANDS)[number]['band'];

export function healthBand(score: number): HealthBand {
  return HEALTH_BANDS.find((b) => score < b.below)!.band;
}
