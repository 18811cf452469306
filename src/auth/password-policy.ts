// The one password policy, asked by setup, invitation acceptance, password reset and the profile's
// password change (ASVS 5.0 V6.2, NIST SP 800-63B):
// - at least 12 characters (Unicode code points), at most 200; any character, no composition rules;
// - not one of the commonest passwords, and not an easily guessed pattern (repeats, sequences,
//   keyboard rows, dates, a common password with a few changes): zxcvbn-ts with its bundled
//   "common" dictionaries (about 49,000 leaked passwords, no network), score 3 of 4 at least;
// - not the user's own name or email address (or their parts), nor the application's name.
// The meter on the forms (public/js/password-meter.js) runs the same estimator in the browser as
// guidance; this module decides.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { RuleError } from '../http/errors.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;
/** zxcvbn's scale: 3 is "safely unguessable" (about 10^8 guesses and more), 4 "very unguessable". */
export const PASSWORD_MIN_SCORE = 3;
/** Words that say "this site" and so are guessed first. */
export const CONTEXT_WORDS = ['passerelle'];
/** The estimator looks at this many characters: beyond, a password is long enough anyway, and time stays bounded. */
const ESTIMATED_CHARACTERS = 100;
/** Name or address parts shorter than this are left to the estimator (refusing "ada" inside "canada" helps no one). */
const MIN_PART_LENGTH = 4;

/** A refused password, shown on its form field (422) like any other input error. */
export class PasswordRejected extends RuleError {
  constructor(
    readonly field: string,
    messageKey: string,
  ) {
    super(messageKey);
    this.name = 'PasswordRejected';
  }
}

export interface PasswordOwner {
  name?: string | null;
  email?: string | null;
}

// Loaded at the first password set, not at start: the dictionaries take about 15 MB and 100 ms.
let estimator: Promise<ZxcvbnFactory> | undefined;
function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
    return new ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs, maxLength: ESTIMATED_CHARACTERS });
  })();
  return estimator;
}

const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** The words of the user's name and address that a password must not contain. */
export function personalParts(owner: PasswordOwner): string[] {
  const email = fold(owner.email ?? '').trim();
  const local = email.split('@')[0] ?? '';
  const parts = [email, local, ...local.split(/[^\p{L}\p{N}]+/u), ...fold(owner.name ?? '').split(/[^\p{L}\p{N}]+/u)];
  return [...new Set(parts.filter(Boolean))];
}

const COMMON = new Set(['topTen', 'topHundred', 'common', 'similarToCommon', 'pwned']);

/** The i18n key of the rule a password breaks, or null when it is acceptable. */
export async function passwordProblem(password: string, owner: PasswordOwner = {}): Promise<string | null> {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'validation:passwordShort';
  if (length > PASSWORD_MAX_LENGTH) return 'validation:tooLong';
  const folded = fold(password);
  const compact = folded.replace(/[^\p{L}\p{N}]+/gu, '');
  const parts = personalParts(owner);
  const contains = (word: string) => word.length >= MIN_PART_LENGTH && (folded.includes(word) || compact.includes(word));
  if (parts.some(contains)) return 'auth:password.personal';
  if (CONTEXT_WORDS.some(contains)) return 'auth:password.context';
  const result = (await loadEstimator()).check(password, [...parts, ...CONTEXT_WORDS]);
  if (result.score >= PASSWORD_MIN_SCORE) return null;
  const warning = result.feedback.warning ?? '';
  if (COMMON.has(warning)) return 'auth:password.common';
  if (warning === 'userInputs') return 'auth:password.personal';
  return 'auth:password.weak';
}

/** Throws a PasswordRejected on `field` when the password breaks the policy. */
export async function assertPasswordAllowed(password: string, owner: PasswordOwner, field = 'password'): Promise<void> {
  const problem = await passwordProblem(password, owner);
  if (problem) throw new PasswordRejected(field, problem);
}

/** The render locals of a page with a new-password field: the meter's settings and its script. */
export function passwordMeter(owner: PasswordOwner = {}) {
  return {
    meter: { minLength: PASSWORD_MIN_LENGTH, minScore: PASSWORD_MIN_SCORE, context: CONTEXT_WORDS, inputs: personalParts(owner) },
    scripts: ['/public/js/password-meter.js'],
  };
}
