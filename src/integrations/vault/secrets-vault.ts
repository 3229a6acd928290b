import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { keyId, parseKey } from '@/common/crypto/master-key';

const VERSION = 'v1';
const IV_BYTES = 12;

/** A sealed value that names a key this installation does not have (not `ENCRYPTION_KEY` nor a previous one). */
export class UnknownSealingKey extends Error {
  constructor(readonly keyId: string) {
    super(`a secret was sealed with key ${keyId}, which is neither ENCRYPTION_KEY nor in ENCRYPTION_PREVIOUS_KEYS`);
    this.name = 'UnknownSealingKey';
  }
}

/**
 * Encrypts secrets at rest: AES-256-GCM with a random 96-bit IV per value, the key's id in the
 * sealed text (`v1.<keyId>.<iv>.<tag>.<ciphertext>`, base64url), and `aad` (e.g. the owning row's
 * id) bound into the tag so a sealed value copied onto another row does not open. Values are sealed
 * with the current master key; older keys (`ENCRYPTION_PREVIOUS_KEYS`) still open theirs until
 * `npm run secrets:rotate` re-seals everything with the current one.
 */
export class SecretsVault {
  private readonly current: { id: string; key: Buffer };
  private readonly keys: Map<string, Buffer>;

  /** `masterKey` first (it seals), then the previous keys (they only open). */
  constructor(masterKey: Buffer, previousKeys: readonly string[] = []) {
    this.current = { id: keyId(masterKey), key: masterKey };
    this.keys = new Map([[this.current.id, masterKey]]);
    for (const value of previousKeys) {
      const key = parseKey(value);
      if (!this.keys.has(keyId(key))) this.keys.set(keyId(key), key);
    }
  }

  /** The id of the key new values are sealed with. */
  get currentKeyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, aad = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.current.id,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  /** Throws on a value that was tampered with, sealed for another `aad`, or sealed with an unknown key. */
  open(sealed: string, aad = ''): string {
    const [version, id, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !id || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw new Error('not a sealed value');
    }
    const key = this.keys.get(id);
    if (!key) throw new UnknownSealingKey(id);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The key id a sealed value names. */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }

  /** Whether a value is sealed with an older key (rotation re-seals it). */
  isStale(sealed: string): boolean {
    return SecretsVault.keyIdOf(sealed) !== this.current.id;
  }
}
