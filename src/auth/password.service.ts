import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { type FieldError, ValidationFailed } from '@/common/errors/domain.exception';

/** OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. */
export const argon2Options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** A few of the most common passwords (NIST 800-63B: refuse known-compromised values). */
const commonPasswords = new Set([
  '1234567890',
  '12345678910',
  '0123456789',
  'qwertyuiop',
  'password123',
  'password1234',
  'iloveyou123',
  'administrator',
  'letmein1234',
  'welcome1234',
  'passw0rd123',
  'qwerty123456',
  '1q2w3e4r5t',
  'abcdefghij',
  'aaaaaaaaaa',
]);

/**
 * The password policy (NIST 800-63B): long enough, not absurdly long, not a known-common password,
 * not the email. No composition rules. Returns the problems, empty when acceptable.
 */
export function passwordProblems(password: string, email?: string, field = 'password'): FieldError[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters long`);
  if (commonPasswords.has(password.toLowerCase())) problems.push('is too common; choose a less guessable password');
  if (/^(.)\1+$/.test(password)) problems.push('must not be one repeated character');
  if (email && password.toLowerCase().includes(email.toLowerCase().split('@')[0] ?? '\u0000') && email.length > 3) {
    problems.push('must not contain your email address');
  }
  return problems.map((message) => ({ field, message: `${field} ${message}` }));
}

export function assertPasswordPolicy(password: string, email?: string, field = 'password'): void {
  const problems = passwordProblems(password, email, field);
  if (problems.length > 0) throw new ValidationFailed(problems, 'The password does not meet the password policy.');
}

@Injectable()
export class PasswordService {
  /** A real hash to verify against when the email is unknown, so both paths do the same work. */
  private dummyHash: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return argon2.hash(password, argon2Options);
  }

  verify(hash: string, password: string): Promise<boolean> {
    return argon2.verify(hash, password).catch(() => false);
  }

  /** True when the hash was made with other parameters than today's (rehash on next login). */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, argon2Options);
  }

  /** Spends the same effort as a real verification, for unknown accounts. */
  async burn(password: string): Promise<false> {
    this.dummyHash ??= this.hash('parley-dummy-password-for-timing');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
