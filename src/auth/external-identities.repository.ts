import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ExternalIdentityEntity } from './entities/external-identity.entity';

/** Links of SSO accounts (issuer + subject) to Parley users. Keyed by identity, not tenant. */
@Injectable()
export class ExternalIdentitiesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(ExternalIdentityEntity);
  }

  /** Serializes concurrent first requests of the same subject until the transaction ends. */
  async lockSubject(issuer: string, subject: string, em: EntityManager): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kc:${issuer}|${subject}`]);
  }

  find(issuer: string, subject: string, em?: EntityManager): Promise<ExternalIdentityEntity | null> {
    return this.repo(em).findOne({ where: { issuer, subject } });
  }

  async touch(id: string, email: string | null, em: EntityManager): Promise<void> {
    await this.repo(em).update({ id }, { lastSeenAt: new Date(), email });
  }

  async create(
    link: Pick<ExternalIdentityEntity, 'userId' | 'issuer' | 'subject' | 'email' | 'lastSeenAt'>,
    em: EntityManager,
  ): Promise<void> {
    await this.repo(em).save(this.repo(em).create(link));
  }
}
