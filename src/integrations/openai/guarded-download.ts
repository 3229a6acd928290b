import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { OutboundAddressError, type OutboundAddressGuard } from '@/common/outbound/outbound-address';

export interface Download {
  readonly bytes: Buffer;
  /** The response's `Content-Type` without parameters ('' when absent). */
  readonly contentType: string;
  /** The last path segment of the final URL ('' when none). */
  readonly fileName: string;
}

export type DownloadFailureReason =
  'invalid_url' | 'address_refused' | 'dns_failed' | 'too_large' | 'http_status' | 'timeout' | 'network';

export class DownloadFailure extends Error {
  constructor(
    readonly reason: DownloadFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'DownloadFailure';
  }
}

export interface DownloadOptions {
  readonly guard: OutboundAddressGuard;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** Redirects followed, each destination checked again. */
  readonly maxRedirects?: number;
  readonly signal?: AbortSignal;
}

/**
 * GETs a URL a flow gave (an audio file to transcribe) under the outbound address policy: the host
 * is resolved once, every address checked, and the connection made to those addresses only (no
 * second lookup: DNS rebinding). Redirects are followed and checked again; the body is cut off
 * past `maxBytes`.
 */
export async function guardedDownload(rawUrl: string, options: DownloadOptions): Promise<Download> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  let url = parseUrl(rawUrl);
  for (let redirects = 0; ; redirects++) {
    const answer = await getOnce(url, options, signal);
    if ('location' in answer) {
      if (redirects >= (options.maxRedirects ?? 3)) throw new DownloadFailure('http_status', 'too many redirects');
      url = parseUrl(new URL(answer.location, url).toString());
      continue;
    }
    return { ...answer, fileName: decodeURIComponent(url.pathname.split('/').pop() ?? '') };
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new DownloadFailure('invalid_url', `"${raw.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DownloadFailure('invalid_url', `"${raw.slice(0, 200)}" is not an http(s) URL`);
  }
  return url;
}

async function getOnce(
  url: URL,
  options: DownloadOptions,
  signal: AbortSignal,
): Promise<{ location: string } | { bytes: Buffer; contentType: string }> {
  let addresses;
  try {
    addresses = await options.guard.resolveAllowed(url.hostname);
  } catch (err) {
    if (err instanceof OutboundAddressError) throw new DownloadFailure(err.reason, err.message);
    throw err;
  }
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => {
      if (err instanceof DownloadFailure) reject(err);
      else if (signal.aborted) {
        const reason: unknown = signal.reason;
        const timedOut = reason instanceof DOMException && reason.name === 'TimeoutError';
        reject(new DownloadFailure('timeout', timedOut ? `no answer within ${options.timeoutMs} ms` : 'cancelled'));
      } else reject(new DownloadFailure('network', `could not download ${url.host}: ${(err as Error).message}`));
    };
    const request = client.get(url, { lookup, signal, headers: { 'user-agent': 'Parley/1.0' } }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        resolve({ location: response.headers.location });
        return;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        fail(new DownloadFailure('http_status', `the audio URL answered ${status}`));
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        response.destroy();
        fail(new DownloadFailure('too_large', `the file is larger than ${options.maxBytes} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          response.destroy();
          fail(new DownloadFailure('too_large', `the file is larger than ${options.maxBytes} bytes`));
        } else chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        if (size > options.maxBytes) return;
        const contentType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        resolve({ bytes: Buffer.concat(chunks), contentType });
      });
    });
    request.on('error', fail);
  });
}
