import type { OrganizationId } from './organization-id';
import type { OrgRole } from './roles';

export interface MembershipGrant {
  readonly role: OrgRole;
  readonly suspended: boolean;
}

/** Who is calling: a signed-in user (local or SSO) or an organization's API key. */
export type Principal =
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly superAdmin: boolean;
      /** Session (refresh-token family for local sign-ins, Keycloak `sid` for SSO). */
      readonly sessionId: string | undefined;
      readonly via: 'local' | 'keycloak';
      /** organizationId → role */
      readonly memberships: ReadonlyMap<string, MembershipGrant>;
    }
  | {
      readonly kind: 'api_key';
      readonly apiKeyId: string;
      readonly organizationId: string;
      readonly role: OrgRole;
      readonly superAdmin: false;
    };

/** The organization a request acts in, checked against the principal's memberships. */
export interface TenantContext {
  /** Proven by `resolveTenant`: the only place a request's organization id is branded. */
  readonly organizationId: OrganizationId;
  /** The caller's role there (`org_admin` for a super admin acting in any organization). */
  readonly role: OrgRole;
}

export interface AuthState {
  readonly principal: Principal;
  readonly tenant: TenantContext | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthState;
  }
}
