import { createHmac, randomBytes } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and 32 random bytes (base64url). The HMAC key is the whole string. */
export const newWebhookSecret = (): string => `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;

/** Hex HMAC-SHA256 of `"<t>.<body>"` with `secret` (the whole `whsec_…` string, UTF-8). */
export const signPayload = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/**
 * The `Parley-Signature` header: `t=<unix seconds>,v1=<hex>` with one `v1` per secret (the new one
 * first, then the previous one during a rotation's overlap), Stripe style.
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signPayload(secret, timestamp, body)}`)].join(',');
}
