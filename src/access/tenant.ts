import { ValidationFailed } from '@/common/errors/domain.exception';
import { OrganizationSuspended, NoOrganization, NotAMember, OrganizationRequired } from './access.exception';
import { asOrganizationId } from './organization-id';
import type { Principal, TenantContext } from './principal';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The organization a request acts in: `X-Organization-Id` when given (always checked against the
 * principal's memberships), else the principal's only organization. Never from a body field.
 * A super admin may act in any existing organization as `org_admin` (`exists` confirms it).
 */
export async function resolveTenant(
  principal: Principal,
  header: string | string[] | undefined,
  exists: (organizationId: string) => Promise<boolean>,
): Promise<TenantContext> {
  if (Array.isArray(header)) {
    throw new ValidationFailed([{ field: 'X-Organization-Id', message: 'send X-Organization-Id once' }]);
  }
  if (header !== undefined && !uuid.test(header)) {
    throw new ValidationFailed([{ field: 'X-Organization-Id', message: 'X-Organization-Id must be a UUID' }]);
  }
  if (principal.kind === 'api_key') {
    if (header !== undefined && header.toLowerCase() !== principal.organizationId) {
      throw new NotAMember('This API key belongs to another organization.');
    }
    return { organizationId: asOrganizationId(principal.organizationId), role: principal.role };
  }
  const organizationId = header?.toLowerCase() ?? onlyMembership(principal);
  const grant = principal.memberships.get(organizationId);
  if (grant) {
    if (grant.suspended && !principal.superAdmin) {
      throw new OrganizationSuspended();
    }
    return { organizationId: asOrganizationId(organizationId), role: principal.superAdmin ? 'org_admin' : grant.role };
  }
  if (principal.superAdmin && (await exists(organizationId))) {
    return { organizationId: asOrganizationId(organizationId), role: 'org_admin' };
  }
  throw new NotAMember();
}

function onlyMembership(principal: Extract<Principal, { kind: 'user' }>): string {
  const ids = [...principal.memberships.keys()];
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0 && !principal.superAdmin) {
    throw new NoOrganization();
  }
  throw new OrganizationRequired();
}
