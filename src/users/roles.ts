export const roles = ['admin', 'manager', 'professional'] as const;
export type Role = (typeof roles)[number];
export const locales = ['fr', 'en'] as const;
export type Locale = (typeof locales)[number];

/** Managers and administrators see and steer the whole portfolio. */
export const isManager = (role: Role): boolean => role === 'admin' || role === 'manager';
