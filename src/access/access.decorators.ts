import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  InternalServerErrorException,
  SetMetadata,
} from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiHeader, ApiSecurity } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import type { AuthState, Principal, TenantContext } from './principal';
import type { OrgRole } from './roles';

export const AUTH_POLICY = 'parley:auth-policy';

/** What a route requires. Every route declares one (checked at boot): deny by default. */
export type AuthPolicy =
  | { readonly kind: 'public' }
  | { readonly kind: 'user' }
  | { readonly kind: 'role'; readonly role: OrgRole }
  | { readonly kind: 'super_admin' };

/** Marks the operation in OpenAPI; `buildOpenApiDocument` turns it into `security: []`. */
export const PUBLIC_OPERATION_EXTENSION = 'x-parley-public';

const authenticatedDocs = (): MethodDecorator & ClassDecorator =>
  applyDecorators(ApiBearerAuth('bearer'), ApiSecurity('apiKey'), ApiProblems(401, 403));

const organizationHeader = ApiHeader({
  name: 'X-Organization-Id',
  required: false,
  description: 'The organization to act in; required when the caller belongs to several.',
});

/** No authentication (method-level only, so a whole controller is never opened by accident). */
export const Public = (): MethodDecorator =>
  applyDecorators(
    SetMetadata(AUTH_POLICY, { kind: 'public' } satisfies AuthPolicy),
    ApiExtension(PUBLIC_OPERATION_EXTENSION, true),
  );

/** Any signed-in user (not API keys); no organization needed. */
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(AUTH_POLICY, { kind: 'user' } satisfies AuthPolicy),
    ApiBearerAuth('bearer'),
    ApiProblems(401, 403),
  );

/** A role (or higher) in the active organization: `viewer` < `agent` < `org_admin`. */
export const Roles = (role: OrgRole): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(AUTH_POLICY, { kind: 'role', role } satisfies AuthPolicy),
    authenticatedDocs(),
    organizationHeader,
  );

/** Platform administrators only. */
export const SuperAdmin = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(AUTH_POLICY, { kind: 'super_admin' } satisfies AuthPolicy),
    ApiBearerAuth('bearer'),
    ApiProblems(401, 403),
  );

const authState = (context: ExecutionContext): AuthState => {
  const auth = context.switchToHttp().getRequest<FastifyRequest>().auth;
  if (!auth) throw new InternalServerErrorException('No authenticated principal: is the route @Public()?');
  return auth;
};

/** The caller. Fails loudly (500) on a route where no guard authenticated anyone. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => authState(context).principal,
);

/** The signed-in user's id (user principals only: use on `@Authenticated()` routes). */
export const CurrentUserId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const { principal } = authState(context);
  if (principal.kind !== 'user') throw new InternalServerErrorException('Route needs a user principal');
  return principal.userId;
});

/** The active organization and the caller's role in it (on `@Roles()` routes). */
export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): TenantContext => {
  const { tenant } = authState(context);
  if (!tenant) throw new InternalServerErrorException('No tenant context: is the route @Roles()?');
  return tenant;
});
