import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

/** Refresh tokens (hashes only), grouped in families (one per session). Keyed by user, not tenant. */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(RefreshTokenEntity);
  }

  async insert(
    token: Pick<RefreshTokenEntity, 'userId' | 'familyId' | 'tokenHash' | 'expiresAt' | 'ip' | 'userAgent'>,
    em?: EntityManager,
  ): Promise<void> {
    await this.repo(em).insert(token);
  }

  /** The token with this hash, locked until the caller's transaction ends (rotation). */
  findByHashForUpdate(tokenHash: string, em: EntityManager): Promise<RefreshTokenEntity | null> {
    return this.repo(em).findOne({ where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  async markUsed(id: string, em: EntityManager): Promise<void> {
    await this.repo(em).update({ id }, { usedAt: new Date() });
  }

  /** Revokes the families' tokens that are not revoked yet. */
  async revokeFamilies(familyIds: readonly string[], reason: string, em?: EntityManager): Promise<void> {
    await this.repo(em).update(
      { familyId: In([...familyIds]), revokedAt: IsNull() },
      { revokedAt: new Date(), revokedReason: reason },
    );
  }

  /** The user's families with tokens not revoked, except `keepFamilyId`. */
  async activeFamilyIds(userId: string, keepFamilyId?: string, em?: EntityManager): Promise<string[]> {
    const rows = await this.repo(em)
      .createQueryBuilder('t')
      .select('DISTINCT t.familyId', 'familyId')
      .where('t.userId = :userId AND t.revokedAt IS NULL', { userId })
      .andWhere(keepFamilyId ? 't.familyId <> :keep' : 'TRUE', { keep: keepFamilyId })
      .getRawMany<{ familyId: string }>();
    return rows.map((r) => r.familyId);
  }

  /** Whether the family (a local session) was revoked. */
  async familyRevoked(familyId: string): Promise<boolean> {
    const [row] = await this.dataSource.query<{ ended: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NOT NULL) AS ended`,
      [familyId],
    );
    return row?.ended ?? false;
  }
}
