import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { type Jwt, TokenExpiredError } from 'jsonwebtoken';
import { Strategy as JwtStrategy } from 'passport-jwt';
import type { DomainException } from '@/common/errors/domain.exception';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, AccessTokenService } from '../access-token.service';
import { Unauthenticated } from '../auth.exception';
import { bearerTokenOf } from '../credentials';
import type { Principal } from '@/access/principal';
import { UserPrincipals } from '../user-principals.service';
import { detachedPassport, STRATEGY } from './strategy-names';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `sub` (user id) and `sid` (refresh-token family) are UUIDs: a token signed with the real secret but other claims is refused (401). */
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_PATTERN.test(value);
/** Small skew allowance between our own processes. */
const CLOCK_TOLERANCE_SECONDS = 5;

const malformed = (): Unauthenticated => new Unauthenticated('auth.invalid_token', 'The access token is malformed.');

/** What a failed `jsonwebtoken` verification of our own token answers. */
export function parleyJwtFailure(error: unknown): DomainException {
  if (error instanceof Unauthenticated) return error;
  if (error instanceof TokenExpiredError) {
    return new Unauthenticated('auth.token_expired', 'The access token has expired; refresh it.');
  }
  // JsonWebTokenError (signature, algorithm, issuer, shape) and anything else.
  return new Unauthenticated('auth.invalid_token', 'The access token is invalid.');
}

/**
 * `parley-jwt`: Parley's own access tokens (`passport-jwt`). HS256 only, the exact issuer, expiry
 * enforced (5 s skew), then in `validate`: the `at+jwt` header type, UUID `sub` and `sid`, a `jti`,
 * and the session not ended / account enabled (`UserPrincipals`).
 */
@Injectable()
export class ParleyJwtStrategy extends PassportStrategy(JwtStrategy, STRATEGY.parleyJwt) {
  constructor(
    accessTokens: AccessTokenService,
    private readonly principals: UserPrincipals,
  ) {
    super({
      jwtFromRequest: bearerTokenOf,
      secretOrKey: accessTokens.verificationKey,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: accessTokens.issuer,
      ignoreExpiration: false,
      // `complete` hands `validate` the header too, for the `typ` check jsonwebtoken cannot do.
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_SECONDS, complete: true },
    });
  }

  /** See `detachedPassport`: never the process-wide Passport instance. */
  getPassportInstance() {
    return detachedPassport;
  }

  async validate(decoded: Jwt): Promise<Principal> {
    const typ = decoded.header.typ?.toLowerCase();
    if (typ !== ACCESS_TOKEN_TYPE && typ !== `application/${ACCESS_TOKEN_TYPE}`) throw malformed();
    const payload = decoded.payload;
    if (typeof payload !== 'object' || typeof payload.exp !== 'number' || typeof payload.jti !== 'string') {
      throw malformed();
    }
    if (!isUuid(payload.sub) || !isUuid(payload['sid'])) throw malformed();
    return this.principals.of({ userId: payload.sub, sessionId: payload['sid'], via: 'local', issuedAt: undefined });
  }

  /** What a failed verification answers. */
  failure(info: unknown): DomainException {
    return parleyJwtFailure(info);
  }
}
