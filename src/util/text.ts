/** Accent- and case-folded text for searching: "École" and "ecole" both become "ecole". Only combining marks
 * are dropped: spacing signs such as ^ or ` stay, so a search for them is not a search for nothing. */
export const foldText = (s: string | null | undefined): string =>
  (s ?? '')
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

/** Escapes a user's text for use inside a regular expression (RE2-safe: no look-around). */
export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
