import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import type { OrgRole } from '@/access/roles';
import { UserEntity } from './entities/user.entity';

export interface PrincipalGrantsRow {
  superAdmin: boolean;
  disabled: boolean;
  memberships: { organizationId: string; role: OrgRole; suspended: boolean }[];
}

/** Users are global (not tenant-owned): one account may belong to several organizations. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(UserEntity);
  }

  findById(id: string, em?: EntityManager): Promise<UserEntity | null> {
    return this.repo(em).findOne({ where: { id } });
  }

  findByEmail(email: string, em?: EntityManager): Promise<UserEntity | null> {
    return this.repo(em).findOne({ where: { email: email.toLowerCase() } });
  }

  /** The user with the password hash (a column not selected by default). */
  findByEmailWithPassword(email: string): Promise<UserEntity | null> {
    return this.repo()
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email AND u.disabledAt IS NULL', { email: email.toLowerCase() })
      .getOne();
  }

  findByIdWithPassword(id: string, em?: EntityManager): Promise<UserEntity | null> {
    return this.repo(em).createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id }).getOne();
  }

  create(user: Partial<UserEntity>, em?: EntityManager): Promise<UserEntity> {
    const repo = this.repo(em);
    return repo.save(repo.create({ ...user, email: user.email?.toLowerCase() }));
  }

  async update(id: string, patch: Partial<UserEntity>, em?: EntityManager): Promise<void> {
    await this.repo(em).update({ id }, patch);
  }

  async activeExists(id: string): Promise<boolean> {
    return this.repo().exists({ where: { id, disabledAt: IsNull() } });
  }

  /**
   * Everything the guard needs to authorize a user, in one query: global flags and every
   * membership with its organization's suspension state.
   */
  async principalGrants(userId: string): Promise<PrincipalGrantsRow | undefined> {
    const rows = await this.dataSource.query<
      {
        super_admin: boolean;
        disabled: boolean;
        organization_id: string | null;
        role: OrgRole | null;
        suspended: boolean | null;
      }[]
    >(
      `SELECT u.super_admin, u.disabled_at IS NOT NULL AS disabled, m.organization_id, m.role,
              o.suspended_at IS NOT NULL AS suspended
         FROM users u
         LEFT JOIN memberships m ON m.user_id = u.id
         LEFT JOIN organizations o ON o.id = m.organization_id
        WHERE u.id = $1`,
      [userId],
    );
    const first = rows[0];
    if (!first) return undefined;
    return {
      superAdmin: first.super_admin,
      disabled: first.disabled,
      memberships: rows
        .filter((r) => r.organization_id !== null && r.role !== null)
        .map((r) => ({ organizationId: r.organization_id!, role: r.role!, suspended: r.suspended === true })),
    };
  }
}
