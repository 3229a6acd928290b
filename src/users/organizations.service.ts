import { asOrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { TenantContext } from '@/access/principal';
import { type Page, toPage } from '@/common/pagination/keyset';
import { type OrganizationDto, toOrganizationDto } from './dto/organization.dto';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationNotFound } from './users.exception';

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: MembershipsRepository,
  ) {}

  /** Whether the organization exists (the guard's check of `X-Organization-Id`). */
  async exists(id: string): Promise<boolean> {
    return (await this.organizations.findById(id)) !== null;
  }

  /** Organizations by id, for the caller's own memberships. */
  findByIds(ids: readonly string[]) {
    return this.organizations.findByIds(ids);
  }

  /** Creates an organization (unique slug from the name) in the caller's transaction. */
  createWithin(name: string, em: EntityManager) {
    return this.organizations.create(name, em);
  }

  async current(tenant: TenantContext): Promise<OrganizationDto> {
    const organization = await this.organizations.findById(tenant.organizationId);
    if (!organization) throw new OrganizationNotFound(tenant.organizationId);
    return toOrganizationDto(organization);
  }

  async rename(tenant: TenantContext, name: string): Promise<OrganizationDto> {
    await this.organizations.update(tenant.organizationId, { name });
    return this.current(tenant);
  }

  /** A signed-in user founds another organization and becomes its admin. */
  createForUser(userId: string, name: string): Promise<OrganizationDto> {
    return this.dataSource.transaction(async (em) => {
      const organization = await this.organizations.create(name, em);
      await this.memberships.add(asOrganizationId(organization.id), userId, 'org_admin', em);
      return toOrganizationDto(organization);
    });
  }

  // Platform administration (super_admin).

  async list(limit: number, cursor?: string): Promise<Page<OrganizationDto>> {
    return toPage(await this.organizations.listPage(limit, cursor), limit, toOrganizationDto);
  }

  async get(id: string): Promise<OrganizationDto> {
    const organization = await this.organizations.findById(id);
    if (!organization) throw new OrganizationNotFound(id);
    return toOrganizationDto(organization);
  }

  async setSuspended(id: string, suspended: boolean): Promise<OrganizationDto> {
    const organization = await this.organizations.findById(id);
    if (!organization) throw new OrganizationNotFound(id);
    if (Boolean(organization.suspendedAt) !== suspended) {
      await this.organizations.update(id, { suspendedAt: suspended ? new Date() : null });
    }
    return this.get(id);
  }
}
