import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type AppConfig, InjectConfig } from '@/config';

/** The only algorithm our access tokens are signed (and accepted) with. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
/** The JOSE header `typ` of our access tokens (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

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

/**
 * Parley's own short-lived access tokens: HS256 JWTs with `iss`, `sub`, `sid`, `jti`. Signed here;
 * verified by the `parley-jwt` Passport strategy with `verificationKey`.
 */
@Injectable()
export class AccessTokenService {
  private readonly secret: Uint8Array;
  /** The secret, for `passport-jwt` / `jsonwebtoken` (the `parley-jwt` strategy). */
  readonly verificationKey: Buffer;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    this.secret = resolveJwtSecret(config);
    this.verificationKey = Buffer.from(this.secret);
  }

  get issuer(): string {
    return this.config.auth.jwtIssuer;
  }

  async sign(userId: string, sessionId: string): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = this.config.auth.accessTokenTtlSeconds;
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.issuer)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(this.secret);
    return { token, expiresIn };
  }
}
