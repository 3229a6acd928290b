import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './outbound-address';

/**
 * A `lookup` for `http.request` that only ever answers with `addresses` (those the
 * `OutboundAddressGuard` checked), so a second DNS answer cannot rebind the connection to another
 * address. The Host header and TLS SNI keep the URL's name. Shared by every outbound client
 * (the HTTP block, webhooks).
 */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
      return;
    }
    const pick = addresses.find((a) => !options.family || a.family === options.family) ?? addresses[0];
    if (!pick) callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 4);
    else callback(null, pick.address, pick.family);
  };
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Network error codes worth another attempt: the peer or the path failed, the request may go through later. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);
