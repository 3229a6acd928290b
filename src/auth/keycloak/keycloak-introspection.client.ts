import { createHash } from 'node:crypto';
import type { KeycloakConfig } from '@/config/app-config';
import { KeycloakUnavailable } from './keycloak.exception';

export interface KeycloakIntrospectionOptions {
  readonly config: Pick<KeycloakConfig, 'issuer' | 'clientId'>;
  readonly clientSecret: string;
  /** How long an answer is reused for the same token (never past the token's `exp`). 0 disables. */
  readonly cacheSeconds: number;
  /** Per HTTP request (discovery or introspection). */
  readonly timeoutMs: number;
  /** Upper bound on cached answers; the oldest go first. */
  readonly maxCacheEntries?: number;
  readonly now?: () => number;
}

interface CachedAnswer {
  readonly active: boolean;
  readonly until: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The client sees a generic 503; the reason travels as the cause, for the logs. */
function unavailable(reason: string, cause?: unknown): KeycloakUnavailable {
  return new KeycloakUnavailable(undefined, new Error(reason, cause === undefined ? undefined : { cause }));
}

/** RFC 6749 §2.3.1: client credentials are form-encoded before going into HTTP Basic. */
function basicAuthorization(clientId: string, secret: string): string {
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/**
 * Strict mode: asks Keycloak (RFC 7662) whether an access token is still active, so a token revoked
 * in Keycloak (logout, session killed by an admin) stops working before its `exp`.
 *
 * The introspection endpoint comes from `${issuer}/.well-known/openid-configuration`, fetched once
 * (a failed discovery is retried on the next call). Answers are cached per token (by SHA-256, the
 * token itself is not kept) for `cacheSeconds`, bounded by the token's expiry; concurrent checks of
 * the same token share one request. The cache is per process: a revocation takes effect everywhere
 * within `cacheSeconds`.
 */
export class KeycloakIntrospectionClient {
  private endpoint: Promise<string> | undefined;
  private readonly cache = new Map<string, CachedAnswer>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(private readonly options: KeycloakIntrospectionOptions) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxCacheEntries ?? 10_000;
  }

  /**
   * Whether Keycloak considers the token active. `expiresAt` (seconds since the epoch, the token's
   * verified `exp`) caps how long the answer is cached. Throws `KeycloakUnavailable` when Keycloak
   * cannot answer.
   */
  async isActive(token: string, expiresAt?: number): Promise<boolean> {
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.active;
    if (cached) this.cache.delete(key);

    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const request = this.introspect(token)
      .then((active) => {
        this.remember(key, active, expiresAt);
        return active;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  /** Forgets every cached answer (e.g. after a back-channel logout). */
  clear(): void {
    this.cache.clear();
  }

  private remember(key: string, active: boolean, expiresAt: number | undefined): void {
    const now = this.now();
    let until = now + this.options.cacheSeconds * 1000;
    if (expiresAt !== undefined) until = Math.min(until, expiresAt * 1000);
    if (until <= now) return;
    if (this.cache.size >= this.maxEntries) {
      for (const [cachedKey, answer] of this.cache) if (answer.until <= now) this.cache.delete(cachedKey);
      while (this.cache.size >= this.maxEntries) {
        const oldest = this.cache.keys().next();
        if (oldest.done) break;
        this.cache.delete(oldest.value);
      }
    }
    this.cache.set(key, { active, until });
  }

  private async introspect(token: string): Promise<boolean> {
    const endpoint = await this.introspectionEndpoint();
    const body = await this.fetchJson(endpoint, 'introspection', {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(this.options.config.clientId, this.options.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    });
    if (!isRecord(body) || typeof body.active !== 'boolean') {
      throw unavailable('Keycloak answered the token introspection with an unexpected document.');
    }
    return body.active;
  }

  private introspectionEndpoint(): Promise<string> {
    this.endpoint ??= this.discover().catch((error: unknown) => {
      this.endpoint = undefined;
      throw error;
    });
    return this.endpoint;
  }

  private async discover(): Promise<string> {
    const { issuer } = this.options.config;
    const document = await this.fetchJson(`${issuer}/.well-known/openid-configuration`, 'discovery', {
      method: 'GET',
      headers: { accept: 'application/json' },
    });
    // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
    if (!isRecord(document) || document.issuer !== issuer) {
      throw unavailable(`Keycloak's discovery document does not describe the issuer ${issuer}.`);
    }
    const endpoint = document.introspection_endpoint;
    if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint)) {
      throw unavailable('Keycloak does not advertise a token introspection endpoint.');
    }
    return endpoint;
  }

  private async fetchJson(url: string, what: string, init: RequestInit): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (cause) {
      throw new KeycloakUnavailable(undefined, cause);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable(`Keycloak answered the token ${what} request with HTTP ${response.status}.`);
    }
    try {
      return await response.json();
    } catch (cause) {
      throw unavailable(`Keycloak answered the token ${what} request with invalid JSON.`, cause);
    }
  }
}
