import { randomBytes } from 'node:crypto';
import { keyId } from '@/common/crypto/master-key';
import { SecretsVault, UnknownSealingKey } from './secrets-vault';

describe('SecretsVault', () => {
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);

  it('seals with a random IV and the key id, and opens what it sealed', () => {
    const vault = new SecretsVault(keyA);
    const one = vault.seal('sk-secret', 'row-1');
    const two = vault.seal('sk-secret', 'row-1');
    expect(one).not.toBe(two);
    expect(one).not.toContain('sk-secret');
    expect(one.split('.')).toHaveLength(5);
    expect(SecretsVault.keyIdOf(one)).toBe(keyId(keyA));
    expect(vault.currentKeyId).toBe(keyId(keyA));
    expect(vault.open(one, 'row-1')).toBe('sk-secret');
    expect(vault.isStale(one)).toBe(false);
  });

  it('refuses a value sealed for another row, tampered with, or not sealed at all', () => {
    const vault = new SecretsVault(keyA);
    const sealed = vault.seal('token', 'row-1');
    expect(() => vault.open(sealed, 'row-2')).toThrow();
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[4]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    parts[4] = flipped.toString('base64url');
    expect(() => vault.open(parts.join('.'), 'row-1')).toThrow();
    expect(() => vault.open('plain text')).toThrow('not a sealed value');
    expect(() => vault.open('v2.x.y.z.w')).toThrow('not a sealed value');
  });

  it('opens values of previous keys, seals with the current one, and names keys it does not have', () => {
    const old = new SecretsVault(keyA);
    const sealedA = old.seal('before rotation');
    const rotated = new SecretsVault(keyB, [keyA.toString('hex'), keyA.toString('base64')]);
    expect(rotated.open(sealedA)).toBe('before rotation');
    expect(rotated.isStale(sealedA)).toBe(true);
    expect(rotated.isStale(rotated.seal('after'))).toBe(false);
    const stranger = new SecretsVault(randomBytes(32)).seal('elsewhere');
    expect(() => rotated.open(stranger)).toThrow(UnknownSealingKey);
    try {
      rotated.open(stranger);
    } catch (error) {
      expect((error as UnknownSealingKey).keyId).toBe(SecretsVault.keyIdOf(stranger));
    }
  });
});
