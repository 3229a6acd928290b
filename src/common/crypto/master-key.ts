import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AppConfig } from '@/config';

/** A 32-byte key from its configured form: 64 hex digits or base64. */
export function parseKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('an encryption key must be 32 bytes');
  return key;
}

/** A key's public id: the first 8 hex digits of its SHA-256 (stored beside each value it sealed). */
export const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

/**
 * The installation's master key: `ENCRYPTION_KEY`, or outside production (where it is required) a
 * random key kept in `<DATA_DIR>/encryption-key`, made on first use, so `npm start` works as is.
 */
export function resolveMasterKey(config: Pick<AppConfig, 'integrations' | 'dataDir'>): Buffer {
  const configured = config.integrations.encryption.key;
  if (configured) return parseKey(configured);
  const file = resolve(config.dataDir, 'encryption-key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process of this data dir made it first.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return parseKey(readFileSync(file, 'utf8').trim());
}

/**
 * A key for one purpose (signing file URLs, …), derived from the master key with HKDF-SHA256, so
 * no purpose ever uses the master key itself and one purpose's key says nothing about another's.
 */
export function derivedKey(config: Pick<AppConfig, 'integrations' | 'dataDir'>, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', resolveMasterKey(config), Buffer.alloc(0), `parley:${purpose}`, 32));
}
