import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, MoreThan } from 'typeorm';
import { InvitationEntity } from './entities/invitation.entity';

@Injectable()
export class InvitationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(InvitationEntity);
  }

  create(
    organizationId: OrganizationId,
    invitation: Omit<Partial<InvitationEntity>, 'organizationId'>,
    em?: EntityManager,
  ): Promise<InvitationEntity> {
    return this.repo(em).save(this.repo(em).create({ ...invitation, organizationId }));
  }

  find(organizationId: OrganizationId, id: string): Promise<InvitationEntity | null> {
    return this.repo().findOne({ where: { organizationId, id } });
  }

  /** By token (not tenant-scoped: the token is the capability), locked for acceptance. */
  findByTokenHashForUpdate(tokenHash: string, em: EntityManager): Promise<InvitationEntity | null> {
    return this.repo(em).findOne({ where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  async update(
    organizationId: OrganizationId,
    id: string,
    patch: Partial<InvitationEntity>,
    em?: EntityManager,
  ): Promise<void> {
    await this.repo(em).update({ organizationId, id }, patch);
  }

  listPage(organizationId: OrganizationId, limit: number, cursor?: string): Promise<InvitationEntity[]> {
    return this.repo().find({
      where: cursor ? { organizationId, id: MoreThan(cursor) } : { organizationId },
      order: { id: 'ASC' },
      take: limit + 1,
    });
  }
}
