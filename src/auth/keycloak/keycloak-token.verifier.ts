import { KeyObject } from 'node:crypto';
import { types } from 'node:util';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  type RemoteJWKSet,
} from 'jose';
import {
  JsonWebTokenError,
  type JwtPayload,
  TokenExpiredError,
  type VerifyOptions,
  verify as verifyJws,
} from 'jsonwebtoken';
import type { KeycloakConfig } from '@/config/app-config';
import { DomainException } from '@/common/errors/domain.exception';
import { type KeycloakIdentity, mapKeycloakClaims, peekIssuer } from './keycloak-claims.mapper';
import { KeycloakIntrospectionClient } from './keycloak-introspection.client';
import {
  KeycloakLogoutTokenInvalid,
  KeycloakTokenExpired,
  KeycloakTokenInvalid,
  KeycloakTokenRevoked,
  KeycloakUnavailable,
} from './keycloak.exception';

/** Injection token for the `KeycloakConfig` the verifier runs with (provide it only when SSO is on). */
export const KEYCLOAK_CONFIG = Symbol('KEYCLOAK_CONFIG');
/** Optional injection token for `KeycloakVerifierOptions` (tuning and tests). */
export const KEYCLOAK_VERIFIER_OPTIONS = Symbol('KEYCLOAK_VERIFIER_OPTIONS');

/** Leeway on `exp`, `nbf` and `iat`, for clock skew between Keycloak and us. */
export const KEYCLOAK_CLOCK_TOLERANCE_SECONDS = 30;

/** OpenID Back-Channel Logout 1.0 §2.4: the member of `events` a logout token must carry. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export interface KeycloakVerifierOptions {
  /** After a successful JWKS fetch, an unknown `kid` does not refetch for this long. Default 30 s. */
  readonly jwksCooldownMs?: number;
  /** Keys are refetched when older than this, even without an unknown `kid`. Default 10 min. */
  readonly jwksCacheMaxAgeMs?: number;
  /** Timeout of each HTTP request to Keycloak (JWKS, discovery, introspection). Default 5 s. */
  readonly httpTimeoutMs?: number;
  /** Clock for the introspection cache and log throttling. Default `Date.now`. */
  readonly now?: () => number;
}

/** What a valid back-channel logout token asks us to end: a Keycloak session, a user, or both. */
export interface KeycloakLogoutClaims {
  readonly sid?: string;
  readonly sub?: string;
  readonly jti: string;
}

/** Client-facing reasons per jose error code; anything else is "malformed". */
const INVALID_TOKEN_DETAILS: Readonly<Partial<Record<string, string>>> = {
  ERR_JOSE_ALG_NOT_ALLOWED: 'The token is signed with an algorithm that is not accepted.',
  ERR_JWKS_NO_MATCHING_KEY: 'The token is signed with a key the identity provider does not publish.',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'The token is signed with a key the identity provider does not publish.',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'The token signature is not valid.',
};

type InvalidFactory = (detail: string, cause: unknown) => DomainException;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * Verifies Keycloak-issued JWTs locally against the realm's JWKS (no call to Keycloak per request,
 * except in strict mode). Construction does no I/O, so the app boots while Keycloak is down.
 *
 * Access tokens must pass: an algorithm from `config.algorithms` (checked before any key lookup),
 * the exact `config.issuer`, a signature by a key of the JWKS, `exp` and `iat` present, expiry with
 * 30 s tolerance, the claim `typ` equal to `Bearer` (ID, refresh and logout tokens are refused), and
 * the audience: `aud` contains `config.audience` OR `azp` equals it. Keycloak puts the client a token
 * was issued to in `azp` and fills `aud` only from audience mappers and client roles, so a token
 * the dashboard client obtained for itself often has `aud: "account"`; accepting `azp` lets that
 * work without an audience mapper while still refusing tokens issued to other clients.
 *
 * Keys are cached by jose (`jwksCacheMaxAgeMs`); a token whose `kid` is unknown triggers one refetch
 * (key rotation), at most once per `jwksCooldownMs`. A token that cannot be checked because Keycloak
 * is unreachable, slow or answering garbage raises `KeycloakUnavailable` (503 `auth.sso_unavailable`),
 * never a 401: the token may well be valid.
 */
@Injectable()
export class KeycloakTokenVerifier {
  readonly issuer: string;
  private readonly logger = new Logger(KeycloakTokenVerifier.name);
  private readonly jwks: RemoteJWKSet;
  private readonly introspection: KeycloakIntrospectionClient | undefined;
  private readonly now: () => number;
  private lastOutageLog = Number.NEGATIVE_INFINITY;
  private readonly keyObjects = new WeakMap<object, KeyObject>();

  constructor(
    @Inject(KEYCLOAK_CONFIG) private readonly config: KeycloakConfig,
    @Optional() @Inject(KEYCLOAK_VERIFIER_OPTIONS) options: KeycloakVerifierOptions = {},
  ) {
    if (config.algorithms.length === 0) throw new Error('KeycloakConfig.algorithms must name at least one algorithm');
    this.issuer = config.issuer;
    this.now = options.now ?? Date.now;
    const timeoutMs = options.httpTimeoutMs ?? 5_000;
    this.jwks = createRemoteJWKSet(new URL(config.jwksUrl), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
      timeoutDuration: timeoutMs,
    });
    this.introspection = config.introspection.enabled
      ? new KeycloakIntrospectionClient({
          config,
          clientSecret: config.introspection.clientSecret,
          cacheSeconds: config.introspection.cacheSeconds,
          timeoutMs,
          now: this.now,
        })
      : undefined;
  }

  /** Whether the token claims (unverified) to come from this Keycloak realm: pick this verifier. */
  handles(token: string): boolean {
    return peekIssuer(token) === this.config.issuer;
  }

  /**
   * Options for `jsonwebtoken` (through `passport-jwt`): pinned algorithms, exact issuer, expiry
   * with tolerance. `ignoreExpiration` stays false. The audience is checked by `checkAccessToken`
   * (Keycloak's audience-or-`azp` rule cannot be expressed as a `jsonwebtoken` option).
   */
  get jwtOptions(): VerifyOptions & { algorithms: NonNullable<VerifyOptions['algorithms']> } {
    return {
      algorithms: [...this.config.algorithms] as NonNullable<VerifyOptions['algorithms']>,
      issuer: this.config.issuer,
      clockTolerance: KEYCLOAK_CLOCK_TOLERANCE_SECONDS,
      ignoreExpiration: false,
    };
  }

  /**
   * The public key a token claims to be signed with, for `passport-jwt`'s `secretOrKeyProvider`.
   * The header's `alg` is checked against the pinned list before any key lookup; the key comes from
   * the realm's JWKS (cached; an unknown `kid` refetches at most once per cooldown). Throws
   * `KeycloakTokenInvalid` (401) for a token we cannot check, `KeycloakUnavailable` (503) when
   * Keycloak cannot be asked.
   */
  async keyFor(token: string): Promise<KeyObject> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch (error) {
      throw new KeycloakTokenInvalid('The token is malformed.', error);
    }
    const alg = header.alg;
    if (typeof alg !== 'string' || !(this.config.algorithms as readonly string[]).includes(alg)) {
      throw new KeycloakTokenInvalid(INVALID_TOKEN_DETAILS.ERR_JOSE_ALG_NOT_ALLOWED);
    }
    try {
      const key = await this.getKey({ ...header, alg }, { payload: '', signature: '' });
      if (key instanceof KeyObject) return key;
      // jose hands back the same CryptoKey for a cached JWK, so the conversion happens once per key.
      const cryptoKey = key as Parameters<typeof KeyObject.from>[0];
      let keyObject = this.keyObjects.get(cryptoKey);
      if (!keyObject) {
        keyObject = KeyObject.from(cryptoKey);
        this.keyObjects.set(cryptoKey, keyObject);
      }
      return keyObject;
    } catch (error) {
      if (error instanceof DomainException) throw error;
      if (error instanceof errors.JOSEError) {
        throw new KeycloakTokenInvalid(INVALID_TOKEN_DETAILS[error.code] ?? 'The token is malformed.', error);
      }
      throw new KeycloakTokenInvalid('The token is malformed.', error);
    }
  }

  /** Maps a `jsonwebtoken` verification failure (or our own coded error) to the 401 it means. */
  static jwtFailure(error: unknown): DomainException {
    if (error instanceof DomainException) return error;
    if (error instanceof TokenExpiredError) return new KeycloakTokenExpired(error);
    if (error instanceof JsonWebTokenError) {
      const message = error.message;
      if (message === 'invalid signature')
        return new KeycloakTokenInvalid(INVALID_TOKEN_DETAILS.ERR_JWS_SIGNATURE_VERIFICATION_FAILED, error);
      if (message === 'invalid algorithm')
        return new KeycloakTokenInvalid(INVALID_TOKEN_DETAILS.ERR_JOSE_ALG_NOT_ALLOWED, error);
      if (message.startsWith('jwt issuer invalid')) {
        return new KeycloakTokenInvalid(
          'The token\'s "iss" claim is not accepted (unexpected "iss" claim value).',
          error,
        );
      }
      return new KeycloakTokenInvalid(`The token is not accepted (${message}).`, error);
    }
    return new KeycloakTokenInvalid('The token is malformed.', error);
  }

  /**
   * The checks after the signature, issuer and expiry (done by `jsonwebtoken`): `exp` and `iat`
   * present, `typ` is `Bearer`, audience-or-`azp`, introspection in strict mode; then the claims
   * are mapped (see `mapKeycloakClaims`). Throws `KeycloakTokenInvalid` | `KeycloakTokenRevoked`
   * (401) or `KeycloakUnavailable` (503).
   */
  async checkAccessToken(payload: JwtPayload, token: string): Promise<KeycloakIdentity> {
    for (const claim of ['exp', 'iat'] as const) {
      if (typeof payload[claim] !== 'number') {
        throw new KeycloakTokenInvalid(`The token's "${claim}" claim is not accepted (missing or not a number).`);
      }
    }
    if (payload.typ !== 'Bearer') {
      throw new KeycloakTokenInvalid('The token is not an access token (its "typ" claim is not "Bearer").');
    }
    const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    if (!audiences.includes(this.config.audience) && payload.azp !== this.config.audience) {
      throw new KeycloakTokenInvalid('The access token is not meant for this API (audience).');
    }
    if (this.introspection && !(await this.guardOutage(this.introspection.isActive(token, payload.exp)))) {
      throw new KeycloakTokenRevoked();
    }
    return mapKeycloakClaims(payload, this.config);
  }

  /**
   * Verifies a Keycloak access token and maps its claims, the same way the `keycloak-jwt` Passport
   * strategy does (`keyFor` → `jsonwebtoken` with `jwtOptions` → `checkAccessToken`), without Passport.
   * Throws `KeycloakTokenInvalid` | `KeycloakTokenExpired` (401), `KeycloakTokenRevoked` (401, strict
   * mode), or `KeycloakUnavailable` (503).
   */
  async verify(token: string): Promise<KeycloakIdentity> {
    const key = await this.keyFor(token);
    const payload = await new Promise<JwtPayload>((resolve, reject) =>
      verifyJws(token, key, this.jwtOptions, (error, decoded) =>
        error || typeof decoded !== 'object' || decoded === null
          ? reject(KeycloakTokenVerifier.jwtFailure(error))
          : resolve(decoded),
      ),
    );
    return this.checkAccessToken(payload, token);
  }

  /**
   * Verifies a logout token POSTed by Keycloak to the back-channel logout endpoint (OpenID
   * Back-Channel Logout 1.0 §2.6): same JWKS, algorithms and issuer as access tokens; `aud` must
   * contain `config.clientId` (the client Keycloak notifies); `iat`, `exp` and `jti` present; an
   * `events` object with the back-channel logout member; `sid` and/or `sub`; no `nonce`.
   * Throws `KeycloakLogoutTokenInvalid` (400) or `KeycloakUnavailable` (503).
   */
  async verifyLogoutToken(logoutToken: string): Promise<KeycloakLogoutClaims> {
    const invalid: InvalidFactory = (detail, cause) => new KeycloakLogoutTokenInvalid(detail, cause);
    const payload = await this.verifyJwt(
      logoutToken,
      { audience: this.config.clientId, requiredClaims: ['iat', 'exp', 'jti'] },
      invalid,
      (cause) => invalid('The logout token has expired.', cause),
    );
    const events = payload.events;
    if (
      !isRecord(events) ||
      !Object.hasOwn(events, BACKCHANNEL_LOGOUT_EVENT) ||
      !isRecord(events[BACKCHANNEL_LOGOUT_EVENT])
    ) {
      throw invalid('The logout token has no back-channel logout event.', undefined);
    }
    if (Object.hasOwn(payload, 'nonce')) throw invalid('A logout token must not contain a nonce.', undefined);
    const sid = nonEmptyString(payload.sid) ? payload.sid : undefined;
    const sub = nonEmptyString(payload.sub) ? payload.sub : undefined;
    if (sid === undefined && sub === undefined) {
      throw invalid('The logout token names neither a session nor a user.', undefined);
    }
    const jti = payload.jti;
    if (!nonEmptyString(jti)) throw invalid('The logout token has no valid "jti".', undefined);
    return { ...(sid === undefined ? {} : { sid }), ...(sub === undefined ? {} : { sub }), jti };
  }

  /** Resolves keys from the JWKS; anything but "no such key" means Keycloak could not be asked. */
  private readonly getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await this.jwks(header, token);
    } catch (error) {
      if (
        error instanceof errors.JOSEError &&
        (error.code === 'ERR_JWKS_NO_MATCHING_KEY' || error.code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS')
      ) {
        throw error;
      }
      throw this.outage(error);
    }
  };

  private async verifyJwt(
    token: string,
    options: JWTVerifyOptions,
    invalid: InvalidFactory,
    expired: (cause: unknown) => DomainException,
  ): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.getKey, {
        ...options,
        algorithms: [...this.config.algorithms],
        issuer: this.config.issuer,
        clockTolerance: KEYCLOAK_CLOCK_TOLERANCE_SECONDS,
      });
      return payload;
    } catch (error) {
      if (error instanceof DomainException) throw error;
      if (!(error instanceof errors.JOSEError)) throw error;
      if (error instanceof errors.JWTExpired) throw expired(error);
      if (error instanceof errors.JWTClaimValidationFailed) {
        throw invalid(`The token's "${error.claim}" claim is not accepted (${error.reason}).`, error);
      }
      throw invalid(INVALID_TOKEN_DETAILS[error.code] ?? 'The token is malformed.', error);
    }
  }

  private async guardOutage<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (error instanceof KeycloakUnavailable) this.logOutage(error);
      throw error;
    }
  }

  private outage(cause: unknown): KeycloakUnavailable {
    const error = new KeycloakUnavailable(undefined, cause);
    this.logOutage(error);
    return error;
  }

  /** One warning per 30 s at most, whatever the request rate during an outage. */
  private logOutage(error: KeycloakUnavailable): void {
    const now = this.now();
    if (now - this.lastOutageLog < 30_000) return;
    this.lastOutageLog = now;
    const describe = (value: unknown): string =>
      types.isNativeError(value)
        ? `${value.name}: ${value.message}${value.cause === undefined ? '' : ` (${describe(value.cause)})`}`
        : String(value);
    const cause = describe(error.cause);
    this.logger.warn(`Keycloak (${this.config.issuer}) cannot be reached to verify tokens: ${cause}`);
  }
}

/** Builds a verifier without Nest (unit tests, scripts). */
export function createKeycloakTokenVerifier(
  config: KeycloakConfig,
  options: KeycloakVerifierOptions = {},
): KeycloakTokenVerifier {
  return new KeycloakTokenVerifier(config, options);
}
