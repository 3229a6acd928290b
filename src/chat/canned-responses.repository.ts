import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CannedResponseEntity } from './entities/chat-settings.entity';

/** Escapes `%`, `_` and `\` for a LIKE prefix. */
const likePrefix = (text: string): string => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

@Injectable()
export class CannedResponsesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(CannedResponseEntity);
  }

  find(organizationId: OrganizationId, id: string): Promise<CannedResponseEntity | null> {
    return this.repo.findOne({ where: { organizationId, id } });
  }

  /** By short code, case-insensitive (`uq_canned_responses_short_code`). */
  findByShortCode(organizationId: OrganizationId, shortCode: string): Promise<CannedResponseEntity | null> {
    return this.repo
      .createQueryBuilder('r')
      .where('r.organizationId = :organizationId AND lower(r.shortCode) = lower(:shortCode)', {
        organizationId,
        shortCode,
      })
      .getOne();
  }

  /** Keyset page by id; `search` is a case-insensitive prefix of the short code. */
  listPage(organizationId: OrganizationId, limit: number, cursor?: string, search?: string) {
    const qb = this.repo.createQueryBuilder('r').where('r.organizationId = :organizationId', { organizationId });
    if (cursor) qb.andWhere('r.id > :cursor', { cursor });
    if (search) qb.andWhere("lower(r.shortCode) LIKE lower(:prefix) ESCAPE '\\'", { prefix: likePrefix(search) });
    return qb
      .orderBy('r.id', 'ASC')
      .take(limit + 1)
      .getMany();
  }

  create(organizationId: OrganizationId, fields: Pick<CannedResponseEntity, 'shortCode' | 'content' | 'createdById'>) {
    return this.repo.save(this.repo.create({ organizationId, ...fields }));
  }

  async update(
    organizationId: OrganizationId,
    id: string,
    patch: Partial<Pick<CannedResponseEntity, 'shortCode' | 'content'>>,
  ): Promise<void> {
    await this.repo.update({ organizationId, id }, patch);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<boolean> {
    return ((await this.repo.delete({ organizationId, id })).affected ?? 0) > 0;
  }
}
