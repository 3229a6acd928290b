import { asOrganizationId, type OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull, LessThan, MoreThan, Or } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity';

/** What authenticating a key needs, in one query (the key, its state, its organization's suspension). */
export interface ApiKeyAuthRow {
  id: string;
  /** Read from the key's row: proven. */
  organizationId: OrganizationId;
  role: ApiKeyEntity['role'];
  keyHash: string;
  expired: boolean;
  revoked: boolean;
  organizationSuspended: boolean;
  lastUsedAt: Date | null;
}

/** API keys of organizations. Tenant-owned rows: the organization id is a required argument. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(ApiKeyEntity);
  }

  create(
    organizationId: OrganizationId,
    key: Omit<Partial<ApiKeyEntity>, 'organizationId'>,
    em?: EntityManager,
  ): Promise<ApiKeyEntity> {
    return this.repo(em).save(this.repo(em).create({ ...key, organizationId }));
  }

  /** Keyset page by id; one more row than `limit` tells whether there is a next page. */
  listPage(organizationId: OrganizationId, limit: number, cursor?: string): Promise<ApiKeyEntity[]> {
    return this.repo().find({
      where: cursor ? { organizationId, id: MoreThan(cursor) } : { organizationId },
      order: { id: 'ASC' },
      take: limit + 1,
    });
  }

  find(organizationId: OrganizationId, id: string, em?: EntityManager): Promise<ApiKeyEntity | null> {
    return this.repo(em).findOne({ where: { organizationId, id } });
  }

  async revoke(organizationId: OrganizationId, id: string, at: Date, em?: EntityManager): Promise<void> {
    await this.repo(em).update({ organizationId, id }, { revokedAt: at });
  }

  /** Across organizations by the key's visible prefix: the key is the capability. */
  async findForAuthenticationByPrefixCapability(prefix: string): Promise<ApiKeyAuthRow | undefined> {
    const [row] = await this.dataSource.query<
      {
        id: string;
        organization_id: string;
        role: ApiKeyEntity['role'];
        key_hash: string;
        expired: boolean;
        revoked: boolean;
        suspended: boolean;
        last_used_at: Date | null;
      }[]
    >(
      `SELECT k.id, k.organization_id, k.role, k.key_hash, k.last_used_at,
              (k.expires_at IS NOT NULL AND k.expires_at <= now()) AS expired,
              k.revoked_at IS NOT NULL AS revoked, o.suspended_at IS NOT NULL AS suspended
         FROM api_keys k JOIN organizations o ON o.id = k.organization_id
        WHERE k.prefix = $1`,
      [prefix],
    );
    return row
      ? {
          id: row.id,
          organizationId: asOrganizationId(row.organization_id),
          role: row.role,
          keyHash: row.key_hash,
          expired: row.expired,
          revoked: row.revoked,
          organizationSuspended: row.suspended,
          lastUsedAt: row.last_used_at,
        }
      : undefined;
  }

  /** Sets `last_used_at` unless another request did since `cutoff` (at most one write per period). */
  async touchLastUsed(organizationId: OrganizationId, id: string, cutoff: Date): Promise<void> {
    await this.repo().update(
      { organizationId, id, lastUsedAt: Or(IsNull(), LessThan(cutoff)) },
      { lastUsedAt: new Date() },
    );
  }
}
