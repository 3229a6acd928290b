import { asOrganizationId, type OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrgRole } from '@/access/roles';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationsRepository } from './organizations.repository';

/**
 * Memberships, for the auth module: the first membership of a sign-up and the memberships an
 * identity provider (Keycloak) asserts. Writes run in the caller's transaction.
 */
@Injectable()
export class MembershipsService {
  constructor(
    private readonly memberships: MembershipsRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  add(organizationId: OrganizationId, userId: string, role: OrgRole, em: EntityManager): Promise<unknown> {
    return this.memberships.add(organizationId, userId, role, em);
  }

  /**
   * Makes the user's memberships from `source` exactly `organizations` (by slug, created when
   * missing): upserts each, removes the other memberships of that source. Local memberships
   * (invitations, sign-up) are untouched.
   */
  async syncFromIdentityProvider(
    userId: string,
    organizations: readonly { slug: string; role: OrgRole }[],
    source: 'keycloak',
    em: EntityManager,
  ): Promise<void> {
    const orgIds: string[] = [];
    for (const { slug, role } of organizations) {
      const organization = await this.organizations.findOrCreateBySlug(slug.toLowerCase(), slug, em);
      orgIds.push(organization.id);
      // An organization row just read or created: its id is proven.
      await this.memberships.upsertFromSource(asOrganizationId(organization.id), userId, role, source, em);
    }
    await this.memberships.removeFromSourceExcept(userId, source, orgIds, em);
  }
}
