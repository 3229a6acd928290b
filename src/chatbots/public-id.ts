import { randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `bot_` + 16 base62 characters (~95 bits): unguessable, URL-safe, stable for embedding. */
export function newPublicId(): string {
  const bytes = randomBytes(16);
  let id = '';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return `bot_${id}`;
}
