export const readinessCriteria = ['leadership', 'staffCapacity', 'resources', 'clearGoals', 'templatesPolicies', 'evaluation'] as const;
export type ReadinessCriterion = (typeof readinessCriteria)[number];
