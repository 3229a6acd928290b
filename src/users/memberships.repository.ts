import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, Not } from 'typeorm';
import type { OrgRole } from '@/access/roles';
import { MembershipEntity } from './entities/membership.entity';

export interface MemberRow {
  id: string;
  userId: string;
  role: OrgRole;
  source: 'local' | 'keycloak';
  createdAt: Date;
  email: string;
  name: string;
  avatarUrl: string | null;
  availability: string;
}

/** Tenant-owned: every method takes the organization id first. */
@Injectable()
export class MembershipsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(MembershipEntity);
  }

  find(organizationId: OrganizationId, userId: string, em?: EntityManager): Promise<MembershipEntity | null> {
    return this.repo(em).findOne({ where: { organizationId, userId } });
  }

  /** Locks the membership row for the rest of the transaction. */
  findForUpdate(organizationId: OrganizationId, userId: string, em: EntityManager): Promise<MembershipEntity | null> {
    return this.repo(em).findOne({ where: { organizationId, userId }, lock: { mode: 'pessimistic_write' } });
  }

  add(
    organizationId: OrganizationId,
    userId: string,
    role: OrgRole,
    em: EntityManager,
    source: 'local' | 'keycloak' = 'local',
  ) {
    return this.repo(em).save(this.repo(em).create({ organizationId, userId, role, source }));
  }

  /** Inserts or updates the membership asserted by an identity provider. */
  async upsertFromSource(
    organizationId: OrganizationId,
    userId: string,
    role: OrgRole,
    source: 'keycloak',
    em: EntityManager,
  ): Promise<void> {
    await this.repo(em).upsert(
      { organizationId, userId, role, source },
      { conflictPaths: ['userId', 'organizationId'], skipUpdateIfNoValuesChanged: true },
    );
  }

  /**
   * Removes the user's memberships from `source` other than in `keepOrganizationIds`. Across
   * organizations: the user's own memberships (the identity-provider sync), not a tenant query.
   */
  async removeFromSourceExcept(
    userId: string,
    source: 'keycloak',
    keepOrganizationIds: readonly string[],
    em: EntityManager,
  ): Promise<void> {
    await this.repo(em).delete({
      userId,
      source,
      ...(keepOrganizationIds.length > 0 ? { organizationId: Not(In([...keepOrganizationIds])) } : {}),
    });
  }

  async setRole(organizationId: OrganizationId, userId: string, role: OrgRole, em: EntityManager): Promise<void> {
    await this.repo(em).update({ organizationId, userId }, { role });
  }

  async remove(organizationId: OrganizationId, userId: string, em: EntityManager): Promise<void> {
    await this.repo(em).delete({ organizationId, userId });
  }

  /** Counts admins while locking their rows, so two concurrent demotions cannot both pass. */
  async lockAdmins(organizationId: OrganizationId, em: EntityManager): Promise<number> {
    const rows = await em.query<unknown[]>(
      `SELECT id FROM memberships WHERE organization_id = $1 AND role = 'org_admin' FOR UPDATE`,
      [organizationId],
    );
    return rows.length;
  }

  listPage(organizationId: OrganizationId, limit: number, cursor?: string): Promise<MemberRow[]> {
    return this.dataSource.query<MemberRow[]>(
      `SELECT m.id, m.user_id AS "userId", m.role, m.source, m.created_at AS "createdAt",
              u.email, u.name, u.avatar_url AS "avatarUrl", u.availability
         FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.organization_id = $1 AND ($2::uuid IS NULL OR m.id > $2)
        ORDER BY m.id
        LIMIT $3`,
      [organizationId, cursor ?? null, limit + 1],
    );
  }

  memberRow(organizationId: OrganizationId, userId: string): Promise<MemberRow | undefined> {
    return this.dataSource
      .query<MemberRow[]>(
        `SELECT m.id, m.user_id AS "userId", m.role, m.source, m.created_at AS "createdAt",
                u.email, u.name, u.avatar_url AS "avatarUrl", u.availability
           FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.organization_id = $1 AND m.user_id = $2`,
        [organizationId, userId],
      )
      .then((rows) => rows[0]);
  }

  forUser(userId: string, em?: EntityManager): Promise<MembershipEntity[]> {
    return this.repo(em).find({ where: { userId } });
  }
}
