import http from 'node:http';
import https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';
import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import type { ExecutionsConfig } from '@/config/app-config';
import type { HttpRequestEffect } from '../engine/engine-types';
import { EffectFailure, type EffectOutcome } from './effect-outcome';
import { EFFECTS_CONFIG, HTTP_EFFECT_RUNNER_OPTIONS } from './effects.tokens';
import {
  type HostResolver,
  OutboundAddressError,
  OutboundAddressGuard,
  type ResolvedAddress,
} from '@/common/outbound/outbound-address';
import { parseRetryAfter, pinnedLookup, RETRYABLE_NETWORK_CODES } from '@/common/outbound/outbound-http';

export { parseRetryAfter };

/**
 * `data` of an HTTP effect outcome, for a response of any status. The engine reads response
 * mapping paths in `{ statusCode, data }` (`applyHttpResult`); `headers` is extra, for logs.
 */
export interface HttpEffectData {
  statusCode: number;
  /** Lower-cased names; only the headers in `EXPOSED_RESPONSE_HEADERS` (no cookies, no auth). */
  headers: Record<string, string>;
  /** Parsed JSON when the content type is JSON (`application/json`, `*+json`) and parses, else text. */
  data: unknown;
}

export interface HttpEffectRunnerOptions {
  /** Host name resolution (default: `dns.lookup` with all addresses). */
  resolver?: HostResolver;
  /** Ranges allowed although not public, when private networks are refused (e.g. one internal API). */
  allowedCidrs?: readonly string[];
  /** Redirects followed per attempt, each destination checked again. Default 3; 0 returns the 3xx. */
  maxRedirects?: number;
  /** First retry delay before jitter. Default 250 ms, doubled each retry up to `backoffMaxMs`. */
  backoffBaseMs?: number;
  /** Default 5 s. */
  backoffMaxMs?: number;
  /** A `Retry-After` longer than this is not waited for: the effect fails instead. Default 10 s. */
  maxRetryAfterMs?: number;
  /** Jitter source, [0, 1). */
  random?: () => number;
  /** Waits between attempts (tests record the delays instead of waiting). Rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  userAgent?: string;
}

/** Response headers passed on in `data.headers`. */
export const EXPOSED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'content-language',
  'content-disposition',
  'cache-control',
  'etag',
  'expires',
  'last-modified',
  'date',
  'location',
  'retry-after',
  'link',
  'x-request-id',
  'x-correlation-id',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
]);

/** Request headers a flow cannot set: the runner owns framing, the connection and the target. */
const DROPPED_REQUEST_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'accept-encoding',
]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_HEADER_VALUE = /[\r\n\0]/;
const MAX_RETRIES = 10;

interface PreparedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** Lower-cased names of headers dropped on a redirect to another origin (besides Authorization, Cookie). */
  credentialHeaders: string[];
}

interface Answer {
  response: HttpEffectData;
  retryAfterMs: number | undefined;
}

const isSuccess = (status: number) => status >= 200 && status < 300;

/**
 * Carries out `httpRequest` effects: outbound HTTP(S) with an SSRF guard, per-attempt timeout,
 * retries with backoff and a response size cap. Never throws for a failed request: the answer is an
 * `EffectOutcome` whose `data` is an `HttpEffectData` whenever a response arrived.
 *
 * - Destinations: every address a host resolves to must be public (see `classifyAddress`) unless
 *   `allowPrivateNetworks`; the connection goes to those checked addresses (a pinned `lookup`), so
 *   a second DNS answer cannot rebind it; the Host header and TLS SNI keep the name.
 * - Redirects: up to 3 per attempt, each destination checked again; 303 (and 301/302 after a POST)
 *   become a GET without body; credentials are dropped when the origin changes.
 * - Retries (`effect.retries`): network errors, timeouts, 429 and 5xx, with exponential backoff and
 *   jitter, or the server's `Retry-After` when it is at most `maxRetryAfterMs`.
 * - A non-2xx final answer is `outcome: 'error'` and still carries the status and body in `data`.
 */
@Injectable()
export class HttpEffectRunner implements OnModuleDestroy {
  private readonly guard: OutboundAddressGuard;
  private readonly maxResponseBytes: number;
  private readonly maxRedirects: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly userAgent: string;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 30_000 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, timeout: 30_000 });

  constructor(
    @Inject(EFFECTS_CONFIG) config: Pick<ExecutionsConfig, 'httpEffects'>,
    @Optional() @Inject(HTTP_EFFECT_RUNNER_OPTIONS) options: HttpEffectRunnerOptions | null = null,
  ) {
    const o = options ?? {};
    this.guard = new OutboundAddressGuard(
      { allowPrivateNetworks: config.httpEffects.allowPrivateNetworks, allowedCidrs: o.allowedCidrs },
      o.resolver,
    );
    this.maxResponseBytes = config.httpEffects.maxResponseBytes;
    this.maxRedirects = o.maxRedirects ?? 3;
    this.backoffBaseMs = o.backoffBaseMs ?? 250;
    this.backoffMaxMs = o.backoffMaxMs ?? 5_000;
    this.maxRetryAfterMs = o.maxRetryAfterMs ?? 10_000;
    this.random = o.random ?? Math.random;
    this.sleep = o.sleep ?? ((ms, signal) => sleep(ms, undefined, { signal }));
    this.userAgent = o.userAgent ?? 'Parley-HttpEffect/1.0';
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  onModuleDestroy(): void {
    this.close();
  }

  async run(effect: HttpRequestEffect, signal?: AbortSignal): Promise<EffectOutcome> {
    const started = performance.now();
    const done = (outcome: Omit<EffectOutcome, 'durationMs'>): EffectOutcome => ({
      ...outcome,
      durationMs: Math.round(performance.now() - started),
    });
    let request: PreparedRequest;
    try {
      request = this.prepare(effect);
    } catch (err) {
      return done(failed(err, 0));
    }
    const maxRetries = Math.min(Math.max(Math.trunc(effect.retries) || 0, 0), MAX_RETRIES);
    for (let attempts = 1; ; attempts++) {
      let outcome: Omit<EffectOutcome, 'durationMs'>;
      let retryable: boolean;
      let retryAfterMs: number | undefined;
      try {
        const answer = await this.attempt(request, effect.timeoutMs, signal);
        const status = answer.response.statusCode;
        if (isSuccess(status)) return done({ outcome: 'ok', data: answer.response, attempts });
        outcome = {
          outcome: 'error',
          data: answer.response,
          error: `the server answered ${status}`,
          errorCode: 'effect.http_status',
          attempts,
        };
        retryable = status === 429 || status >= 500;
        retryAfterMs = answer.retryAfterMs;
      } catch (err) {
        outcome = failed(err, attempts);
        retryable = asFailure(err).retryable;
      }
      if (!retryable || attempts > maxRetries || signal?.aborted) return done(outcome);
      if (retryAfterMs !== undefined && retryAfterMs > this.maxRetryAfterMs) {
        const asked = Math.ceil(retryAfterMs / 1000);
        return done({
          ...outcome,
          error: `${outcome.error ?? ''}; it asked to retry after ${asked} s, not waited for`,
        });
      }
      try {
        await this.sleep(retryAfterMs ?? this.backoff(attempts), signal);
      } catch {
        return done(outcome);
      }
    }
  }

  /** Exponential backoff with "equal jitter": half the delay fixed, half random. */
  private backoff(retry: number): number {
    const delay = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (retry - 1));
    return Math.round(delay / 2 + (this.random() * delay) / 2);
  }

  private prepare(effect: HttpRequestEffect): PreparedRequest {
    let url: URL;
    try {
      url = new URL(effect.url);
    } catch {
      throw new EffectFailure('effect.invalid_request', `"${effect.url.slice(0, 200)}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new EffectFailure('effect.invalid_request', `${url.protocol} URLs are not allowed, only http and https`);
    }
    const method = effect.method.toUpperCase();
    const headers: Record<string, string> = {};
    for (const { key, value } of effect.headers) {
      const name = key.trim().toLowerCase();
      if (!HEADER_NAME.test(name)) throw new EffectFailure('effect.invalid_request', `"${key}" is not a header name`);
      if (BAD_HEADER_VALUE.test(value)) {
        throw new EffectFailure('effect.invalid_request', `the value of header "${key}" has a line break`);
      }
      if (DROPPED_REQUEST_HEADERS.has(name) || name.startsWith('proxy-')) continue;
      const previous = headers[name];
      headers[name] = previous === undefined ? value : `${previous}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
    headers['user-agent'] ??= this.userAgent;
    headers.accept ??= 'application/json, text/plain;q=0.9, */*;q=0.8';
    headers['accept-encoding'] = 'gzip, deflate, br';
    // GET and HEAD carry no body (as with fetch).
    const body = effect.body !== undefined && method !== 'GET' && method !== 'HEAD' ? effect.body : undefined;
    if (body !== undefined)
      headers['content-type'] ??= looksLikeJson(body) ? 'application/json' : 'text/plain; charset=utf-8';
    return {
      method,
      url,
      headers,
      body: body === undefined ? undefined : Buffer.from(body, 'utf8'),
      credentialHeaders: [...CREDENTIAL_HEADERS, ...(effect.credentialHeaders ?? []).map((h) => h.toLowerCase())],
    };
  }

  private async attempt(request: PreparedRequest, timeoutMs: number, signal?: AbortSignal): Promise<Answer> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await this.follow(request, combined);
    } catch (err) {
      if (signal?.aborted) throw new EffectFailure('effect.cancelled', 'the request was cancelled');
      if (timeout.aborted) throw new EffectFailure('effect.timeout', `no complete answer within ${timeoutMs} ms`, true);
      throw err;
    }
  }

  private async follow(first: PreparedRequest, signal: AbortSignal): Promise<Answer> {
    let request = first;
    for (let redirects = 0; ; redirects++) {
      const addresses = await untilAborted(this.guard.resolveAllowed(request.url.hostname), signal);
      const res = await this.send(request, addresses, signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined && this.maxRedirects > 0) {
        res.destroy();
        if (redirects >= this.maxRedirects) {
          throw new EffectFailure('effect.redirect_refused', `more than ${this.maxRedirects} redirects`);
        }
        request = redirected(request, status, location);
        continue;
      }
      const body = await this.readBody(res, request.method);
      return {
        response: {
          statusCode: status,
          headers: exposedHeaders(res.headers),
          data: parseBody(body, res.headers['content-type']),
        },
        retryAfterMs: parseRetryAfter(res.headers['retry-after']),
      };
    }
  }

  private send(request: PreparedRequest, addresses: ResolvedAddress[], signal: AbortSignal) {
    // Connect to the addresses that were checked, never to a fresh DNS answer.
    const lookup = pinnedLookup(addresses);
    const secure = request.url.protocol === 'https:';
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method)) {
      headers['content-length'] = String(request.body?.length ?? 0);
    }
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = (secure ? https : http).request(
        request.url,
        { method: request.method, headers, lookup, signal, agent: secure ? this.httpsAgent : this.httpAgent },
        resolve,
      );
      req.on('error', reject);
      req.end(request.body);
    });
  }

  private async readBody(res: http.IncomingMessage, method: string): Promise<Buffer> {
    const status = res.statusCode ?? 0;
    if (method === 'HEAD' || status === 204 || status === 304) {
      res.resume();
      return Buffer.alloc(0);
    }
    const max = this.maxResponseBytes;
    const tooLarge = () => new EffectFailure('effect.response_too_large', `the response is larger than ${max} bytes`);
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      res.destroy();
      throw tooLarge();
    }
    const encoding = (res.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined;
    if (encoding === 'gzip' || encoding === 'x-gzip') decoder = zlib.createGunzip();
    else if (encoding === 'deflate') decoder = zlib.createInflate();
    else if (encoding === 'br') decoder = zlib.createBrotliDecompress();
    else if (encoding !== 'identity' && encoding !== '') {
      res.destroy();
      throw new EffectFailure('effect.network_error', `unsupported content encoding "${encoding}"`);
    }
    const stream: Readable = decoder
      ? pipeline(res, decoder, () => {
          // errors reach the loop below through the destroyed decoder
        })
      : res;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        stream.destroy();
        res.destroy();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
}

function failed(err: unknown, attempts: number): Omit<EffectOutcome, 'durationMs'> {
  const failure = asFailure(err);
  return { outcome: 'error', error: failure.message, errorCode: failure.code, attempts };
}

/** Network errors worth retrying become retryable `EffectFailure`s; others keep their message. */
function asFailure(err: unknown): EffectFailure {
  if (err instanceof EffectFailure) return err;
  if (err instanceof OutboundAddressError) return new EffectFailure(`effect.${err.reason}`, err.message, err.retryable);
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  const text = code && !message.includes(code) ? `${message} (${code})` : message;
  return new EffectFailure('effect.network_error', text, RETRYABLE_NETWORK_CODES.has(code));
}

async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function redirected(request: PreparedRequest, status: number, location: string): PreparedRequest {
  let url: URL;
  try {
    url = new URL(location, request.url);
  } catch {
    throw new EffectFailure('effect.redirect_refused', 'the redirect location is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EffectFailure('effect.redirect_refused', `a redirect to a ${url.protocol} URL was refused`);
  }
  const headers = { ...request.headers };
  let { method, body } = request;
  if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    method = 'GET';
    body = undefined;
    delete headers['content-type'];
  }
  if (url.origin !== request.url.origin) for (const name of request.credentialHeaders) delete headers[name];
  return { method, url, headers, body, credentialHeaders: request.credentialHeaders };
}

function looksLikeJson(body: string): boolean {
  if (!/^\s*[[{"]/.test(body)) return false;
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

function exposedHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const exposed: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !EXPOSED_RESPONSE_HEADERS.has(name)) continue;
    exposed[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return exposed;
}

function parseBody(body: Buffer, contentType: string | undefined): unknown {
  const [mediaType = '', ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  let text: string;
  try {
    text = new TextDecoder(charset || 'utf-8').decode(body);
  } catch {
    text = new TextDecoder('utf-8').decode(body);
  }
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
