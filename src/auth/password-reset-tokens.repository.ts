import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { PasswordResetTokenEntity } from './entities/password-reset-token.entity';

/** Password reset tokens (hashes only). Users are global, so rows are keyed by user, not tenant. */
@Injectable()
export class PasswordResetTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(PasswordResetTokenEntity);
  }

  async create(userId: string, tokenHash: string, expiresAt: Date, em?: EntityManager): Promise<void> {
    await this.repo(em).save({ userId, tokenHash, expiresAt, usedAt: null });
  }

  /** The unused token with this hash (expired or not: the caller checks `expiresAt`). */
  findUnused(tokenHash: string): Promise<PasswordResetTokenEntity | null> {
    return this.repo().findOne({ where: { tokenHash, usedAt: IsNull() } });
  }

  /** Marks every unused token of the user used, in one statement. Returns the ids it voided. */
  async voidAllOfUser(userId: string, em: EntityManager): Promise<string[]> {
    const result = await em
      .createQueryBuilder()
      .update(PasswordResetTokenEntity)
      .set({ usedAt: () => 'now()' })
      .where('user_id = :userId AND used_at IS NULL', { userId })
      .returning('id')
      .execute();
    return (result.raw as { id: string }[]).map((r) => r.id);
  }
}
