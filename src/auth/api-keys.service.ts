import { Injectable } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ResourceNotFound } from '@/common/errors/domain.exception';
import { type Page, toPage } from '@/common/pagination/keyset';
import { Forbidden, Unauthenticated } from './auth.exception';
import { type ApiKeyDto, type CreateApiKeyDto, type CreatedApiKeyDto, toApiKeyDto } from './dto/api-key.dto';
import { ApiKeysRepository } from './api-keys.repository';
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
  constructor(private readonly apiKeys: ApiKeysRepository) {}

  async create(tenant: TenantContext, createdBy: string | null, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const visible = newVisiblePrefix();
    const key = `${API_KEY_PREFIX}${visible}_${randomBytes(32).toString('base64url')}`;
    const entity = await this.apiKeys.create(tenant.organizationId, {
      name: dto.name,
      prefix: `${API_KEY_PREFIX}${visible}`,
      keyHash: hashToken(key),
      role: dto.role,
      createdByUserId: createdBy,
      expiresAt: dto.expiresAt ?? null,
    });
    return { ...toApiKeyDto(entity), key };
  }

  async list(tenant: TenantContext, limit: number, cursor?: string): Promise<Page<ApiKeyDto>> {
    const rows = await this.apiKeys.listPage(tenant.organizationId, limit, cursor);
    return toPage(rows, limit, toApiKeyDto);
  }

  async revoke(tenant: TenantContext, id: string): Promise<void> {
    const key = await this.apiKeys.find(tenant.organizationId, id);
    if (!key) throw new ResourceNotFound('api_key', id);
    if (!key.revokedAt) await this.apiKeys.revoke(tenant.organizationId, id, new Date());
  }

  /** Looks the key up by its visible prefix and compares hashes in constant time. */
  async authenticate(key: string): Promise<Principal> {
    const match = keyPattern.exec(key);
    if (!match) throw new Unauthenticated('auth.invalid_api_key', 'The API key is not valid.');
    const row = await this.apiKeys.findForAuthenticationByPrefixCapability(`${API_KEY_PREFIX}${match[1]}`);
    const given = Buffer.from(hashToken(key), 'hex');
    if (!row || !timingSafeEqual(given, Buffer.from(row.keyHash, 'hex'))) {
      throw new Unauthenticated('auth.invalid_api_key', 'The API key is not valid.');
    }
    if (row.revoked) throw new Unauthenticated('auth.api_key_revoked', 'The API key was revoked.');
    if (row.expired) throw new Unauthenticated('auth.api_key_expired', 'The API key has expired.');
    if (row.organizationSuspended) throw new Forbidden('organization.suspended', 'This organization is suspended.');
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      const cutoff = new Date(Date.now() - LAST_USED_RESOLUTION_MS);
      void this.apiKeys.touchLastUsed(row.organizationId, row.id, cutoff).catch(() => undefined);
    }
    return {
      kind: 'api_key',
      apiKeyId: row.id,
      organizationId: row.organizationId,
      role: row.role,
      superAdmin: false,
    };
  }
}
