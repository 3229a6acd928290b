import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { OutboundAddressGuard } from '@/common/outbound/outbound-address';
import { type AppConfig, InjectConfig } from '@/config';
import { InjectRedis } from '@/redis/redis.module';
import { SecretsVault } from '../vault/secrets-vault';
import type { ConnectionCredentials } from './connection-secrets';
import { outboundRequest } from './outbound-request';

type OAuth2Credentials = Extract<ConnectionCredentials, { type: 'oauth2_client_credentials' }>;

/** Seconds before `expires_in` that a token stops being used. */
export const TOKEN_EXPIRY_MARGIN_S = 30;
/** How long a token without `expires_in` is kept. */
const DEFAULT_TTL_S = 300;
const TIMEOUT_MS = 10_000;

export class OAuth2TokenError extends Error {}

/**
 * Access tokens of `oauth2_client_credentials` connections: fetched from `tokenUrl` (form POST,
 * `client_secret_basic` or `client_secret_post`) and cached in Redis, sealed, until
 * `expires_in - 30 s`, so every process of the installation shares one token per connection (one
 * token call instead of one per process and restart). The key carries a hash of the settings and
 * the sealed secret, so changing either starts with a new token. Redis unavailable: the token is
 * fetched each time (slower, still working).
 */
@Injectable()
export class OAuth2Tokens {
  private readonly logger = new Logger(OAuth2Tokens.name);
  private readonly guard: OutboundAddressGuard;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    private readonly vault: SecretsVault,
    @InjectConfig() config: AppConfig,
  ) {
    this.guard = new OutboundAddressGuard({ allowPrivateNetworks: config.integrations.outbound.allowPrivateNetworks });
  }

  private key(connectionId: string, credentials: OAuth2Credentials, version: string): string {
    const hash = createHash('sha256')
      .update(JSON.stringify(credentials.settings))
      .update('\0')
      .update(version)
      .digest('hex')
      .slice(0, 16);
    return `oauth2-token:${connectionId}:${hash}`;
  }

  /**
   * A valid access token: the cached one unless `fresh`, else a new one from `tokenUrl`.
   * `version` changes whenever the secret does (the sealed value). Throws `OAuth2TokenError`.
   */
  async token(connectionId: string, credentials: OAuth2Credentials, version: string, fresh = false): Promise<string> {
    const key = this.key(connectionId, credentials, version);
    if (!fresh) {
      const cached = await this.redis.get(key).catch(() => null);
      if (cached) {
        try {
          return this.vault.open(cached, key);
        } catch {
          // Sealed with a key this process no longer has (rotation): fetch a new one.
        }
      }
    }
    const { accessToken, expiresIn } = await this.fetch(credentials);
    const ttl = (expiresIn ?? DEFAULT_TTL_S + TOKEN_EXPIRY_MARGIN_S) - TOKEN_EXPIRY_MARGIN_S;
    if (ttl > 0) {
      await this.redis.set(key, this.vault.seal(accessToken, key), 'EX', ttl).catch((error: unknown) => {
        this.logger.warn(`OAuth2 token of connection ${connectionId} not cached: ${String(error)}`);
      });
    }
    return accessToken;
  }

  /** Drops the cached token (the API answered 401 with it). */
  async forget(connectionId: string, credentials: OAuth2Credentials, version: string): Promise<void> {
    await this.redis.del(this.key(connectionId, credentials, version)).catch(() => undefined);
  }

  private async fetch(credentials: OAuth2Credentials): Promise<{ accessToken: string; expiresIn?: number }> {
    const { settings, secrets } = credentials;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (settings.scope) form.set('scope', settings.scope);
    if (settings.audience) form.set('audience', settings.audience);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (settings.authMethod === 'client_secret_post') {
      form.set('client_id', settings.clientId);
      form.set('client_secret', secrets.clientSecret);
    } else {
      const basic = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(secrets.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    }
    let answer;
    try {
      answer = await outboundRequest(this.guard, {
        method: 'POST',
        url: settings.tokenUrl,
        headers,
        body: form.toString(),
        timeoutMs: TIMEOUT_MS,
      });
    } catch (error) {
      throw new OAuth2TokenError(`the token endpoint could not be reached: ${(error as Error).message}`);
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new OAuth2TokenError(`the token endpoint answered ${answer.status}`);
    }
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(answer.text) as typeof body;
    } catch {
      throw new OAuth2TokenError('the token endpoint did not answer JSON');
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new OAuth2TokenError('the token endpoint answered no access_token');
    }
    const expiresIn = Number(body.expires_in);
    return { accessToken: body.access_token, ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresIn } : {}) };
  }
}
