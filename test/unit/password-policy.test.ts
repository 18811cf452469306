import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { passwordProblem, personalParts, PASSWORD_MIN_LENGTH } from '../../src/auth/password-policy.js';

// The one password policy (src/auth/password-policy.ts): what it refuses, and with which message.
describe('password policy', () => {
  const owner = { name: 'Ada Lovelace', email: 'ada.lovelace@example.org' };

  it(`needs ${PASSWORD_MIN_LENGTH} characters, counted as characters (not UTF-16 units), and at most 200`, async () => {
    expect(await passwordProblem('1111111111')).to.equal('validation:passwordShort');
    expect(await passwordProblem('four-words-x')).to.not.equal('validation:passwordShort');
    expect(await passwordProblem('🦊🦊🦊🦊🦊🦊')).to.equal('validation:passwordShort'); // 12 UTF-16 units, 6 characters
    expect(await passwordProblem('zq'.repeat(100) + 'z')).to.equal('validation:tooLong');
  });

  it('refuses repeats, sequences and keyboard rows', async () => {
    for (const p of ['aaaaaaaaaaaa', '111111111111', 'abcdefghijkl', 'azertyuiop12'])
      expect(await passwordProblem(p), p).to.equal('auth:password.weak');
  });

  it('refuses the commonest passwords, also with a few changes', async () => {
    for (const p of ['password1234', 'qwertyuiop123', 'iloveyou1234', '1234567890ab'])
      expect(await passwordProblem(p), p).to.equal('auth:password.common');
  });

  it("refuses the user's own name or address, or a part of them, whatever the case or accents", async () => {
    expect(await passwordProblem('lovelace-rocks-2024', owner)).to.equal('auth:password.personal');
    expect(await passwordProblem('ADA.LOVELACE@example.org!', owner)).to.equal('auth:password.personal');
    expect(await passwordProblem('Hélène rides bikes', { name: 'Helene Tremblay' })).to.equal('auth:password.personal');
    expect(await passwordProblem('passerelle-2024!')).to.equal('auth:password.context');
    // Short parts are left to the estimator: "ada" inside "canada" is no reason to refuse.
    expect(await passwordProblem('canada-maple-syrup-42', owner)).to.equal(null);
    expect(personalParts(owner)).to.include.members(['ada.lovelace@example.org', 'ada.lovelace', 'lovelace']);
  });

  it('accepts long passphrases and random passwords', async () => {
    for (const p of ['correct-horse-battery', 'mon chat noir dort', 'Tr0ub4dor&3xyz', randomBytes(150).toString('base64url').slice(0, 200)])
      expect(await passwordProblem(p, owner), p).to.equal(null);
  });
});
