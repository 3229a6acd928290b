import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OrganizationsService } from '@/users/organizations.service';
import { AUTH_POLICY, type AuthPolicy } from '@/access/access.decorators';
import { Forbidden, Unauthenticated, UserRequired } from './auth.exception';
import { Authenticator } from './authenticator.service';
import { roleAtLeast } from '@/access/roles';
import { resolveTenant } from '@/access/tenant';

/**
 * The global guard: deny by default. Every route declares a policy (`@Public`, `@Authenticated`,
 * `@Roles`, `@SuperAdmin`; checked at boot by `RoutePolicyCheck`). Policies are read once per
 * handler and cached, not reflected on every request. Credentials become a principal through one
 * Passport strategy per request (`Authenticator`: `parley-jwt`, `keycloak-jwt` or `api-key`); the
 * tenant and role checks stay here.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly policies = new WeakMap<object, AuthPolicy | null>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly organizations: OrganizationsService,
  ) {}

  private policyOf(context: ExecutionContext): AuthPolicy | null {
    const handler = context.getHandler();
    let policy = this.policies.get(handler);
    if (policy === undefined) {
      policy =
        this.reflector.getAllAndOverride<AuthPolicy | undefined>(AUTH_POLICY, [handler, context.getClass()]) ?? null;
      this.policies.set(handler, policy);
    }
    return policy;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // other transports authenticate themselves
    const policy = this.policyOf(context);
    if (!policy) throw new Forbidden('auth.no_policy', 'This route has no access policy.');
    if (policy.kind === 'public') return true;

    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const principal = await this.authenticator.authenticate(request, http.getResponse<FastifyReply>());
    if (!principal) throw new Unauthenticated();

    switch (policy.kind) {
      case 'user':
        if (principal.kind !== 'user') throw new UserRequired();
        request.auth = { principal, tenant: undefined };
        return true;
      case 'super_admin':
        if (!principal.superAdmin) throw new Forbidden('auth.super_admin_required', 'Platform administrators only.');
        request.auth = { principal, tenant: undefined };
        return true;
      case 'role': {
        const tenant = await resolveTenant(principal, request.headers['x-organization-id'], (id) =>
          this.organizations.exists(id),
        );
        if (!roleAtLeast(tenant.role, policy.role)) {
          throw new Forbidden('auth.insufficient_role', `This needs the ${policy.role} role or higher.`);
        }
        request.auth = { principal, tenant };
        return true;
      }
    }
  }
}
