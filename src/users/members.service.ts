import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { TenantContext } from '@/access/principal';
import type { OrgRole } from '@/access/roles';
import { type Page, toPage } from '@/common/pagination/keyset';
import { DepartmentsRepository } from './departments.repository';
import { type MemberDto, toMemberDto } from './dto/member.dto';
import { MembershipsRepository } from './memberships.repository';
import { LastAdmin, MemberNotFound } from './users.exception';

@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly memberships: MembershipsRepository,
    private readonly departments: DepartmentsRepository,
  ) {}

  async list(tenant: TenantContext, limit: number, cursor?: string): Promise<Page<MemberDto>> {
    const rows = await this.memberships.listPage(tenant.organizationId, limit, cursor);
    return toPage(rows, limit, toMemberDto);
  }

  async get(tenant: TenantContext, userId: string): Promise<MemberDto> {
    const row = await this.memberships.memberRow(tenant.organizationId, userId);
    if (!row) throw new MemberNotFound(userId);
    return toMemberDto(row);
  }

  /** Changes a member's role; the last org_admin cannot be demoted. */
  async changeRole(tenant: TenantContext, userId: string, role: OrgRole): Promise<MemberDto> {
    await this.dataSource.transaction(async (em) => {
      const membership = await this.lockedMembership(tenant.organizationId, userId, em);
      if (membership.role === 'org_admin' && role !== 'org_admin') await this.assertAnotherAdmin(tenant, em);
      await this.memberships.setRole(tenant.organizationId, userId, role, em);
    });
    return this.get(tenant, userId);
  }

  /** Removes a member (and their department seats); the last org_admin cannot be removed. */
  async remove(tenant: TenantContext, userId: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const membership = await this.lockedMembership(tenant.organizationId, userId, em);
      if (membership.role === 'org_admin') await this.assertAnotherAdmin(tenant, em);
      await this.departments.removeUserEverywhere(tenant.organizationId, userId, em);
      await this.memberships.remove(tenant.organizationId, userId, em);
    });
  }

  private async lockedMembership(organizationId: OrganizationId, userId: string, em: EntityManager) {
    const membership = await this.memberships.findForUpdate(organizationId, userId, em);
    if (!membership) throw new MemberNotFound(userId);
    return membership;
  }

  private async assertAnotherAdmin(tenant: TenantContext, em: EntityManager): Promise<void> {
    if ((await this.memberships.lockAdmins(tenant.organizationId, em)) <= 1) throw new LastAdmin();
  }
}
