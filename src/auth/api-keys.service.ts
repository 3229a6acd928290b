import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, IsNull, LessThan, MoreThan, Or } from 'typeorm';
import { ResourceNotFound } from '@/common/errors/domain.exception';
import { type Page, toPage } from '@/common/pagination/keyset';
import { Forbidden, Unauthenticated } from './auth.exception';
import { type ApiKeyDto, type CreateApiKeyDto, type CreatedApiKeyDto, toApiKeyDto } from './dto/api-key.dto';
import { ApiKeyEntity } from './entities/api-key.entity';
import type { Principal, TenantContext } from '@/access/principal';
import { hashToken } from '@/common/crypto/tokens';

export const API_KEY_PREFIX = 'pk_';
/** `pk_` + 8 visible characters (the lookup prefix) + `_` + 43 secret characters (256 bits). */
const keyPattern = /^pk_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
/** `last_used_at` is written at most this often per key, so keys do not cost a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const newVisiblePrefix = (): string =>
  randomBytes(12)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 8)
    .padEnd(8, '0');

@Injectable()
export class ApiKeysService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ApiKeyEntity);
  }

  async create(tenant: TenantContext, createdBy: string | null, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const visible = newVisiblePrefix();
    const key = `${API_KEY_PREFIX}${visible}_${randomBytes(32).toString('base64url')}`;
    const entity = await this.repo.save(
      this.repo.create({
        organizationId: tenant.organizationId,
        name: dto.name,
        prefix: `${API_KEY_PREFIX}${visible}`,
        keyHash: hashToken(key),
        role: dto.role,
        createdByUserId: createdBy,
        expiresAt: dto.expiresAt ?? null,
      }),
    );
    return { ...toApiKeyDto(entity), key };
  }

  async list(tenant: TenantContext, limit: number, cursor?: string): Promise<Page<ApiKeyDto>> {
    const rows = await this.repo.find({
      where: cursor
        ? { organizationId: tenant.organizationId, id: MoreThan(cursor) }
        : { organizationId: tenant.organizationId },
      order: { id: 'ASC' },
      take: limit + 1,
    });
    return toPage(rows, limit, toApiKeyDto);
  }

  async revoke(tenant: TenantContext, id: string): Promise<void> {
    const key = await this.repo.findOne({ where: { organizationId: tenant.organizationId, id } });
    if (!key) throw new ResourceNotFound('api_key', id);
    if (!key.revokedAt)
      await this.repo.update({ organizationId: tenant.organizationId, id }, { revokedAt: new Date() });
  }

  /** Looks the key up by its visible prefix and compares hashes in constant time. */
  async authenticate(key: string): Promise<Principal> {
    const match = keyPattern.exec(key);
    if (!match) throw new Unauthenticated('auth.invalid_api_key', 'The API key is not valid.');
    const rows = await this.dataSource.query<
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
      [`${API_KEY_PREFIX}${match[1]}`],
    );
    const row = rows[0];
    const given = Buffer.from(hashToken(key), 'hex');
    if (!row || !timingSafeEqual(given, Buffer.from(row.key_hash, 'hex'))) {
      throw new Unauthenticated('auth.invalid_api_key', 'The API key is not valid.');
    }
    if (row.revoked) throw new Unauthenticated('auth.api_key_revoked', 'The API key was revoked.');
    if (row.expired) throw new Unauthenticated('auth.api_key_expired', 'The API key has expired.');
    if (row.suspended) throw new Forbidden('organization.suspended', 'This organization is suspended.');
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      const cutoff = new Date(Date.now() - LAST_USED_RESOLUTION_MS);
      void this.repo
        .update({ id: row.id, lastUsedAt: Or(IsNull(), LessThan(cutoff)) }, { lastUsedAt: new Date() })
        .catch(() => undefined);
    }
    return {
      kind: 'api_key',
      apiKeyId: row.id,
      organizationId: row.organization_id,
      role: row.role,
      superAdmin: false,
    };
  }
}
