import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, MoreThan } from 'typeorm';
import { DepartmentEntity, DepartmentMemberEntity } from './entities/department.entity';
import type { MemberRow } from './memberships.repository';

@Injectable()
export class DepartmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(DepartmentEntity);
  }

  private members(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(DepartmentMemberEntity);
  }

  find(organizationId: OrganizationId, id: string): Promise<DepartmentEntity | null> {
    return this.repo().findOne({ where: { organizationId, id } });
  }

  nameTaken(organizationId: OrganizationId, name: string, exceptId?: string): Promise<boolean> {
    return this.repo()
      .createQueryBuilder('d')
      .where('d.organizationId = :organizationId AND lower(d.name) = lower(:name)', { organizationId, name })
      .andWhere(exceptId ? 'd.id <> :exceptId' : 'TRUE', { exceptId })
      .getExists();
  }

  create(organizationId: OrganizationId, name: string, description: string | null): Promise<DepartmentEntity> {
    return this.repo().save(this.repo().create({ organizationId, name, description }));
  }

  async update(
    organizationId: OrganizationId,
    id: string,
    patch: Partial<Pick<DepartmentEntity, 'name' | 'description'>>,
  ) {
    await this.repo().update({ organizationId, id }, patch);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<void> {
    await this.repo().delete({ organizationId, id });
  }

  listPage(organizationId: OrganizationId, limit: number, cursor?: string): Promise<DepartmentEntity[]> {
    return this.repo().find({
      where: cursor ? { organizationId, id: MoreThan(cursor) } : { organizationId },
      order: { id: 'ASC' },
      take: limit + 1,
    });
  }

  async addMember(organizationId: OrganizationId, departmentId: string, userId: string): Promise<void> {
    await this.members().upsert({ organizationId, departmentId, userId }, ['departmentId', 'userId']);
  }

  async removeMember(organizationId: OrganizationId, departmentId: string, userId: string): Promise<boolean> {
    const result = await this.members().delete({ organizationId, departmentId, userId });
    return (result.affected ?? 0) > 0;
  }

  async removeUserEverywhere(organizationId: OrganizationId, userId: string, em: EntityManager): Promise<void> {
    await this.members(em).delete({ organizationId, userId });
  }

  listMembers(organizationId: OrganizationId, departmentId: string): Promise<MemberRow[]> {
    return this.dataSource.query<MemberRow[]>(
      `SELECT m.id, m.user_id AS "userId", m.role, m.source, m.created_at AS "createdAt",
              u.email, u.name, u.avatar_url AS "avatarUrl", u.availability
         FROM department_members dm
         JOIN memberships m ON m.user_id = dm.user_id AND m.organization_id = dm.organization_id
         JOIN users u ON u.id = dm.user_id
        WHERE dm.organization_id = $1 AND dm.department_id = $2
        ORDER BY u.name, u.id`,
      [organizationId, departmentId],
    );
  }

  countMembers(organizationId: OrganizationId, departmentIds: readonly string[]): Promise<Map<string, number>> {
    if (departmentIds.length === 0) return Promise.resolve(new Map<string, number>());
    return this.dataSource
      .query<{ department_id: string; n: number }[]>(
        `SELECT department_id, count(*)::int AS n FROM department_members
          WHERE organization_id = $1 AND department_id = ANY($2::uuid[]) GROUP BY department_id`,
        [organizationId, departmentIds],
      )
      .then((rows) => new Map<string, number>(rows.map((r) => [r.department_id, r.n])));
  }
}
