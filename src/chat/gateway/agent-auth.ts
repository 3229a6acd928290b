import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { resolveTenant } from '@/access/tenant';
import type { TenantContext } from '@/access/principal';
import { Forbidden, Unauthenticated, UserRequired } from '@/auth/auth.exception';
import { Authenticator } from '@/auth/authenticator.service';
import { type AppConfig, InjectConfig } from '@/config';
import { OrganizationsService } from '@/users/organizations.service';
import type { Socket } from 'socket.io';
import { authField, clientIpOf, originOf } from './socket-context';
import type { AgentSocketData } from './socket-events';

/**
 * The `/agent` handshake: the same bearer access tokens as REST (Parley JWT or Keycloak), through
 * the same `Authenticator` (Passport strategies: signature, expiry, session not ended, account
 * enabled) and `resolveTenant` (membership of `auth.organizationId`, or the only one; suspended
 * organizations refused). API keys are refused: a socket is a person (rooms, presence).
 */
@Injectable()
export class AgentAuth {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly organizations: OrganizationsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async authenticate(
    socket: Pick<Socket, 'handshake'>,
  ): Promise<Omit<AgentSocketData, 'name' | 'departmentIds'> & { tenant: TenantContext }> {
    const origin = originOf(socket);
    const allowed = this.config.http.corsOrigins;
    if (origin && allowed.length > 0 && !allowed.includes('*') && !allowed.includes(origin)) {
      throw new Forbidden('auth.origin_not_allowed', `Agent sockets are not accepted from ${origin}.`);
    }
    const token = authField(socket, 'token');
    if (!token) throw new Unauthenticated('auth.unauthenticated', 'Send the access token as auth.token.');
    // The Passport strategies read the request's Authorization header: give them one.
    const request = {
      headers: { authorization: `Bearer ${token}` },
      ip: clientIpOf(socket, this.config.http.trustProxy),
      method: 'GET',
      url: '/socket.io/agent',
    } as unknown as FastifyRequest;
    const principal = await this.authenticator.authenticate(request);
    if (!principal) throw new Unauthenticated();
    if (principal.kind !== 'user') throw new UserRequired();
    const organizationId = authField(socket, 'organizationId');
    const tenant = await resolveTenant(principal, organizationId, (id) => this.organizations.exists(id));
    const claims = decodeJwt(token); // verified above
    return {
      tenant,
      userId: principal.userId,
      organizationId: tenant.organizationId,
      role: tenant.role,
      session: {
        via: principal.via,
        sessionId: principal.sessionId,
        issuedAt: typeof claims.iat === 'number' ? claims.iat : undefined,
      },
      expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
    };
  }
}
