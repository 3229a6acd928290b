import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ConnectionType } from './connection-secrets';
import { ConnectionEntity } from './entities/connection.entity';

@Injectable()
export class ConnectionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ConnectionEntity);
  }

  find(organizationId: OrganizationId, id: string): Promise<ConnectionEntity | null> {
    return this.repo.findOne({ where: { organizationId, id } });
  }

  /** By name, case-insensitive (`uq_connections_name`). */
  findByName(organizationId: OrganizationId, name: string): Promise<ConnectionEntity | null> {
    return this.repo
      .createQueryBuilder('c')
      .where('c.organizationId = :organizationId AND lower(c.name) = lower(:name)', { organizationId, name })
      .getOne();
  }

  /** Keyset page by id (`ix_connections_org`, `ix_connections_org_type`). */
  listPage(organizationId: OrganizationId, limit: number, cursor?: string, type?: ConnectionType) {
    const qb = this.repo.createQueryBuilder('c').where('c.organizationId = :organizationId', { organizationId });
    if (type) qb.andWhere('c.type = :type', { type });
    if (cursor) qb.andWhere('c.id > :cursor', { cursor });
    return qb
      .orderBy('c.id', 'ASC')
      .take(limit + 1)
      .getMany();
  }

  /** `fields.id` is set by the caller: the sealed secrets are bound to it. */
  insert(
    organizationId: OrganizationId,
    fields: Pick<ConnectionEntity, 'id' | 'name' | 'type' | 'settings' | 'secretsSealed' | 'createdById'>,
  ): Promise<ConnectionEntity> {
    return this.repo.save(this.repo.create({ organizationId, ...fields }));
  }

  async update(
    organizationId: OrganizationId,
    id: string,
    patch: Partial<Pick<ConnectionEntity, 'name' | 'settings' | 'secretsSealed'>>,
  ): Promise<void> {
    // The jsonb column takes the object as is (TypeORM's deep-partial type does not know it is a value).
    await this.repo.update({ organizationId, id }, patch as Parameters<typeof this.repo.update>[1]);
  }

  async recordTest(
    organizationId: OrganizationId,
    id: string,
    outcome: { ok: boolean; error?: string },
    at: Date,
  ): Promise<void> {
    await this.repo.update(
      { organizationId, id },
      { lastTestedAt: at, lastTestOutcome: outcome.ok ? 'ok' : 'error', lastTestError: outcome.error ?? null },
    );
  }

  /** `last_used_at`, written at most once a minute per connection. */
  async touch(organizationId: OrganizationId, id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE connections SET last_used_at = now()
       WHERE organization_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [organizationId, id],
    );
  }

  async delete(organizationId: OrganizationId, id: string): Promise<boolean> {
    return ((await this.repo.delete({ organizationId, id })).affected ?? 0) > 0;
  }
}
