import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { JwtPayload } from 'jsonwebtoken';
import { Strategy as JwtStrategy } from 'passport-jwt';
import type { DomainException } from '@/common/errors/domain.exception';
import { bearerTokenOf } from '../credentials';
import { KeycloakTokenInvalid, KeycloakTokenVerifier } from '../keycloak';
import { KeycloakProvisioning } from '../keycloak-provisioning.service';
import type { Principal } from '@/access/principal';
import { UserPrincipals } from '../user-principals.service';
import { detachedPassport, STRATEGY } from './strategy-names';

/**
 * `keycloak-jwt`: access tokens of the configured Keycloak realm (`passport-jwt`, registered only
 * when SSO is on). The key comes from the realm's JWKS through `KeycloakTokenVerifier.keyFor` (the
 * header's `alg` checked against the pinned list first; cached keys, one refetch per cooldown for
 * an unknown `kid`, 503 `auth.sso_unavailable` when Keycloak cannot be asked). `jsonwebtoken` then
 * checks the signature with the pinned algorithms, the exact issuer and expiry (30 s tolerance);
 * `validate` checks `typ`, audience-or-`azp` and (strict mode) introspection, then provisions the
 * user and builds the principal.
 */
@Injectable()
export class KeycloakJwtStrategy extends PassportStrategy(JwtStrategy, STRATEGY.keycloakJwt) {
  constructor(
    private readonly verifier: KeycloakTokenVerifier,
    private readonly provisioning: KeycloakProvisioning,
    private readonly principals: UserPrincipals,
  ) {
    const { algorithms, issuer, ...jsonWebTokenOptions } = verifier.jwtOptions;
    super({
      jwtFromRequest: bearerTokenOf,
      secretOrKeyProvider: (_request, token, done) =>
        void verifier.keyFor(String(token)).then(
          // jsonwebtoken takes a KeyObject (passport-jwt's typings say string | Buffer, it passes it through).
          (key) => done(null, key as unknown as Buffer),
          (error: unknown) => done(error),
        ),
      algorithms,
      issuer,
      ignoreExpiration: false,
      jsonWebTokenOptions,
      passReqToCallback: true,
    });
  }

  /** The realm's issuer: a token claiming it (unverified) is sent to this strategy. */
  get issuer(): string {
    return this.verifier.issuer;
  }

  /** See `detachedPassport`: never the process-wide Passport instance. */
  getPassportInstance() {
    return detachedPassport;
  }

  async validate(request: FastifyRequest, payload: JwtPayload): Promise<Principal> {
    const token = bearerTokenOf(request);
    if (!token) throw new KeycloakTokenInvalid();
    const identity = await this.verifier.checkAccessToken(payload, token);
    const userId = await this.provisioning.userIdFor(identity);
    return this.principals.of({
      userId,
      sessionId: identity.sessionId,
      via: 'keycloak',
      issuedAt: identity.claims.iat,
    });
  }

  /** What a failed verification answers (see `KeycloakTokenVerifier.jwtFailure`). */
  failure(info: unknown): DomainException {
    return KeycloakTokenVerifier.jwtFailure(info);
  }
}
