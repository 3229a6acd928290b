import { Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessTokenService } from './access-token.service';
import { Unauthenticated } from './auth.exception';
import { credentialsOf } from './credentials';
import { peekIssuer } from './keycloak';
import type { Principal } from '@/access/principal';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { KeycloakJwtStrategy } from './strategies/keycloak-jwt.strategy';
import { ParleyJwtStrategy } from './strategies/parley-jwt.strategy';
import { detachedPassport } from './strategies/strategy-names';

export { credentialsOf } from './credentials';

const asError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

type ParleyStrategy = ApiKeyStrategy | ParleyJwtStrategy | KeycloakJwtStrategy;

/**
 * Turns credentials into a principal through exactly one Passport strategy per request: an API key
 * (`pk_…` bearer or `X-Api-Key`) → `api-key`; a JWT whose unverified `iss` is ours → `parley-jwt`;
 * Keycloak's → `keycloak-jwt`; any other issuer is refused (401 `auth.unknown_issuer`). The `iss`
 * only picks the strategy; the strategy verifies it.
 *
 * Passport's own failure answer is a bare 401; here a strategy's coded error (`done(err)` or a
 * failed verification) is rethrown as the same `DomainException` (problem+json) the API documents.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly apiKey: ApiKeyStrategy,
    private readonly parleyJwt: ParleyJwtStrategy,
    @Optional() @Inject(KeycloakJwtStrategy) private readonly keycloakJwt: KeycloakJwtStrategy | null,
  ) {}

  async authenticate(request: FastifyRequest, reply?: FastifyReply): Promise<Principal | undefined> {
    const credentials = credentialsOf(request);
    if (!credentials) return undefined;
    if (credentials.kind === 'api_key') return this.run(this.apiKey, request, reply);
    const issuer = peekIssuer(credentials.value);
    if (issuer === this.accessTokens.issuer) return this.run(this.parleyJwt, request, reply);
    if (this.keycloakJwt && issuer === this.keycloakJwt.issuer) return this.run(this.keycloakJwt, request, reply);
    throw new Unauthenticated('auth.unknown_issuer', 'The token was not issued by a trusted issuer.');
  }

  /**
   * `passport.authenticate` with a callback (no session, no response written). Each request gets
   * its own `Object.create(strategy)`, which Passport augments with `success`/`fail`/`error`, so
   * concurrent requests never share those.
   */
  private run(strategy: ParleyStrategy, request: FastifyRequest, reply: FastifyReply | undefined): Promise<Principal> {
    return new Promise<Principal>((resolve, reject) => {
      const middleware = detachedPassport.authenticate(
        Object.create(strategy) as ParleyStrategy,
        { session: false },
        (error: unknown, user: Principal | false | null | undefined, info: unknown) => {
          if (error) reject(asError(error));
          else if (!user) reject(strategy.failure(info));
          else resolve(user);
        },
      ) as (req: FastifyRequest, res: FastifyReply | undefined, next: (error?: unknown) => void) => void;
      // Only reached if a strategy calls `pass()` (none does): no principal.
      middleware(request, reply, (error?: unknown) => reject(error ? asError(error) : new Unauthenticated()));
    });
  }
}
