import { Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type AppConfig, InjectConfig } from '@/config';
import { Unauthenticated } from './auth.exception';

export interface AccessTokenClaims {
  readonly userId: string;
  readonly sessionId: string;
  readonly expiresAt: Date;
}

const ALGORITHM = 'HS256';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `sub` (user id) and `sid` (refresh-token family) are UUIDs: a token signed with the real secret but other claims is refused (401). */
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_PATTERN.test(value);
/** Small skew allowance between our own processes. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * The signing secret: JWT_SECRET, or (outside production, where it is required) a random one
 * kept in `<DATA_DIR>/jwt-secret` so tokens survive restarts and processes on one machine agree.
 */
export function resolveJwtSecret(config: AppConfig): Uint8Array {
  if (config.auth.jwtSecret) return new TextEncoder().encode(config.auth.jwtSecret);
  const file = resolve(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

/** Parley's own short-lived access tokens: HS256 JWTs with `iss`, `sub`, `sid`, `jti`. */
@Injectable()
export class AccessTokenService {
  private readonly secret: Uint8Array;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    this.secret = resolveJwtSecret(config);
  }

  get issuer(): string {
    return this.config.auth.jwtIssuer;
  }

  async sign(userId: string, sessionId: string): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = this.config.auth.accessTokenTtlSeconds;
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(this.secret);
    return { token, expiresIn };
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: [ALGORITHM],
        issuer: this.issuer,
        typ: 'at+jwt',
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'sid', 'jti', 'exp'],
      });
      if (!isUuid(payload.sub) || !isUuid(payload.sid) || typeof payload.exp !== 'number') {
        throw new Unauthenticated('auth.invalid_token', 'The access token is malformed.');
      }
      return { userId: payload.sub, sessionId: payload.sid, expiresAt: new Date(payload.exp * 1000) };
    } catch (error) {
      if (error instanceof Unauthenticated) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw new Unauthenticated('auth.token_expired', 'The access token has expired; refresh it.');
      }
      throw new Unauthenticated('auth.invalid_token', 'The access token is invalid.');
    }
  }
}
