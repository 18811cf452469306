import argon2 from 'argon2';
import { config } from '../config.js';

// argon2id at OWASP's minimum (19 MiB, t=2, p=1) by default; tests lower the memory through config.
export const hashPassword = (password: string): Promise<string> =>
  argon2.hash(password, { type: argon2.argon2id, memoryCost: config.passwordHashMemoryKiB, timeCost: 2, parallelism: 1 });

export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) return false;
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verifying against a fixed hash when the account is unknown keeps response times alike.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('not-a-real-password-0000');
  await verifyPassword(await dummyHash, password);
}
