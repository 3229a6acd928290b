import { Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UsersRepository } from '@/users/users.repository';
import { AccessTokenService } from './access-token.service';
import { API_KEY_PREFIX, ApiKeysService } from './api-keys.service';
import { Unauthenticated } from './auth.exception';
import { KeycloakTokenVerifier, peekIssuer } from './keycloak';
import { KeycloakProvisioning } from './keycloak-provisioning.service';
import type { MembershipGrant, Principal } from './principal';
import { SessionDenylist } from './session-denylist.service';

/** Reads the credentials of a request: `Authorization: Bearer <jwt | api key>` or `X-Api-Key`. */
export function credentialsOf(request: FastifyRequest): { kind: 'bearer' | 'api_key'; value: string } | undefined {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return { kind: 'api_key', value: apiKey };
  const authorization = request.headers.authorization;
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) throw new Unauthenticated('auth.invalid_authorization', 'Use `Authorization: Bearer <token>`.');
  const value = match[1];
  return { kind: value.startsWith(API_KEY_PREFIX) ? 'api_key' : 'bearer', value };
}

/**
 * Turns credentials into a principal. The token's unverified `iss` only picks the verifier (ours
 * or Keycloak's); an issuer we do not know is refused.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly denylist: SessionDenylist,
    private readonly users: UsersRepository,
    private readonly provisioning: KeycloakProvisioning,
    @Optional() @Inject(KeycloakTokenVerifier) private readonly keycloak: KeycloakTokenVerifier | null,
  ) {}

  async authenticate(request: FastifyRequest): Promise<Principal | undefined> {
    const credentials = credentialsOf(request);
    if (!credentials) return undefined;
    if (credentials.kind === 'api_key') return this.apiKeys.authenticate(credentials.value);
    const issuer = peekIssuer(credentials.value);
    if (issuer === this.accessTokens.issuer) return this.local(credentials.value);
    if (this.keycloak && issuer === this.keycloak.issuer) return this.fromKeycloak(credentials.value);
    throw new Unauthenticated('auth.unknown_issuer', 'The token was not issued by a trusted issuer.');
  }

  private async local(token: string): Promise<Principal> {
    const claims = await this.accessTokens.verify(token);
    return this.userPrincipal(claims.userId, claims.sessionId, 'local', undefined);
  }

  private async fromKeycloak(token: string): Promise<Principal> {
    const identity = await this.keycloak!.verify(token);
    const userId = await this.provisioning.userIdFor(identity);
    return this.userPrincipal(userId, identity.sessionId, 'keycloak', identity.claims.iat);
  }

  private async userPrincipal(
    userId: string,
    sessionId: string | undefined,
    via: 'local' | 'keycloak',
    issuedAt: number | undefined,
  ): Promise<Principal> {
    // The denylist answers from Redis, or from PostgreSQL while Redis is down: never a 5xx.
    const [denied, grants] = await Promise.all([
      this.denylist.isEnded({ via, userId, sessionId, issuedAt }),
      this.users.principalGrants(userId),
    ]);
    if (denied) throw new Unauthenticated('auth.session_ended', 'This session has ended; sign in again.');
    if (!grants || grants.disabled) throw new Unauthenticated('auth.user_disabled', 'This account is disabled.');
    return {
      kind: 'user',
      userId,
      superAdmin: grants.superAdmin,
      sessionId,
      via,
      memberships: new Map<string, MembershipGrant>(
        grants.memberships.map((m) => [m.organizationId, { role: m.role, suspended: m.suspended }]),
      ),
    };
  }
}
