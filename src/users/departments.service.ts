import { Injectable } from '@nestjs/common';
import type { TenantContext } from '@/access/principal';
import { type Page, toPage } from '@/common/pagination/keyset';
import { DepartmentsRepository } from './departments.repository';
import type { CreateDepartmentDto, UpdateDepartmentDto } from './dto/department.dto';
import { type DepartmentDto, toDepartmentDto } from './dto/department.dto';
import { type MemberDto, toMemberDto } from './dto/member.dto';
import { MembershipsRepository } from './memberships.repository';
import { DepartmentNameTaken, DepartmentNotFound, MemberNotFound } from './users.exception';

@Injectable()
export class DepartmentsService {
  constructor(
    private readonly departments: DepartmentsRepository,
    private readonly memberships: MembershipsRepository,
  ) {}

  async list(tenant: TenantContext, limit: number, cursor?: string): Promise<Page<DepartmentDto>> {
    const rows = await this.departments.listPage(tenant.organizationId, limit, cursor);
    const counts = await this.departments.countMembers(
      tenant.organizationId,
      rows.map((r) => r.id),
    );
    return toPage(rows, limit, (d) => toDepartmentDto(d, counts.get(d.id) ?? 0));
  }

  async get(tenant: TenantContext, id: string): Promise<DepartmentDto> {
    const department = await this.departments.find(tenant.organizationId, id);
    if (!department) throw new DepartmentNotFound(id);
    const counts = await this.departments.countMembers(tenant.organizationId, [id]);
    return toDepartmentDto(department, counts.get(id) ?? 0);
  }

  async create(tenant: TenantContext, dto: CreateDepartmentDto): Promise<DepartmentDto> {
    if (await this.departments.nameTaken(tenant.organizationId, dto.name)) throw new DepartmentNameTaken();
    const department = await this.departments.create(tenant.organizationId, dto.name, dto.description ?? null);
    return toDepartmentDto(department, 0);
  }

  async update(tenant: TenantContext, id: string, dto: UpdateDepartmentDto): Promise<DepartmentDto> {
    await this.get(tenant, id);
    if (dto.name !== undefined && (await this.departments.nameTaken(tenant.organizationId, dto.name, id))) {
      throw new DepartmentNameTaken();
    }
    await this.departments.update(tenant.organizationId, id, {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.description !== undefined ? { description: dto.description } : {}),
    });
    return this.get(tenant, id);
  }

  async delete(tenant: TenantContext, id: string): Promise<void> {
    await this.get(tenant, id);
    await this.departments.delete(tenant.organizationId, id);
  }

  async listMembers(tenant: TenantContext, id: string): Promise<MemberDto[]> {
    await this.get(tenant, id);
    return (await this.departments.listMembers(tenant.organizationId, id)).map(toMemberDto);
  }

  async addMember(tenant: TenantContext, id: string, userId: string): Promise<void> {
    await this.get(tenant, id);
    if (!(await this.memberships.find(tenant.organizationId, userId))) throw new MemberNotFound(userId);
    await this.departments.addMember(tenant.organizationId, id, userId);
  }

  async removeMember(tenant: TenantContext, id: string, userId: string): Promise<void> {
    await this.get(tenant, id);
    if (!(await this.departments.removeMember(tenant.organizationId, id, userId))) throw new MemberNotFound(userId);
  }

  /** Departments the user belongs to in the organization (for agent assignment later). */
  departmentExists(tenant: TenantContext, id: string): Promise<boolean> {
    return this.departments.find(tenant.organizationId, id).then(Boolean);
  }
}
