import { createHash, randomBytes } from 'node:crypto';

/** A random opaque token with a readable prefix (`rt_`, `pk_`, `inv_`, `pwr_`): 256 bits. */
export const newOpaqueToken = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

/** Opaque tokens are stored as SHA-256 hex: they are random, so a fast hash is enough. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
