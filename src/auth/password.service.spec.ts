import * as argon2 from 'argon2';
import { PasswordService, passwordProblems } from './password.service';

describe('password policy', () => {
  it('accepts a long, uncommon password', () => {
    expect(passwordProblems('correct horse battery staple', 'ada@example.com')).toEqual([]);
  });

  it('names each problem', () => {
    expect(passwordProblems('short')).toEqual([
      { field: 'password', message: 'password must be at least 10 characters long' },
    ]);
    expect(passwordProblems('password123').map((p) => p.message)).toEqual([
      'password is too common; choose a less guessable password',
    ]);
    expect(passwordProblems('zzzzzzzzzzzz').map((p) => p.message)).toContain(
      'password must not be one repeated character',
    );
    expect(passwordProblems('adalovelace-rocks', 'adalovelace@example.com').map((p) => p.message)).toContain(
      'password must not contain your email address',
    );
    expect(passwordProblems('x'.repeat(129) + 'y')).toHaveLength(1);
  });
});

describe('PasswordService', () => {
  const service = new PasswordService();

  it('hashes with argon2id and the OWASP parameters, and verifies', async () => {
    const hash = await service.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(hash.split('$')[3]?.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    await expect(service.verify(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(service.verify(hash, 'wrong horse battery staple')).resolves.toBe(false);
    expect(service.needsRehash(hash)).toBe(false);
  });

  it('flags hashes made with older parameters for rehashing', async () => {
    const old = await argon2.hash('correct horse battery staple', {
      type: argon2.argon2id,
      memoryCost: 4096,
      timeCost: 3,
    });
    expect(service.needsRehash(old)).toBe(true);
  });

  it('burns the same work for unknown accounts and never succeeds', async () => {
    await expect(service.burn('anything at all')).resolves.toBe(false);
  });
});
