import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, MoreThan } from 'typeorm';
import { OrganizationEntity } from './entities/organization.entity';
import { slugify, slugWithSuffix } from './slug';
import { isUniqueViolation } from '@/database/postgres-errors';

@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(OrganizationEntity);
  }

  findById(id: string, em?: EntityManager): Promise<OrganizationEntity | null> {
    return this.repo(em).findOne({ where: { id } });
  }

  findBySlugs(slugs: readonly string[], em?: EntityManager): Promise<OrganizationEntity[]> {
    return slugs.length === 0 ? Promise.resolve([]) : this.repo(em).find({ where: { slug: In([...slugs]) } });
  }

  findByIds(ids: readonly string[]): Promise<OrganizationEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.repo().find({ where: { id: In([...ids]) } });
  }

  /** Inserts with a slug derived from the name (or the one given), adding a suffix if taken. */
  async create(name: string, em: EntityManager, slug = slugify(name)): Promise<OrganizationEntity> {
    for (let attempt = 0; ; attempt++) {
      const candidate = attempt === 0 ? slug : slugWithSuffix(name);
      const exists = await this.repo(em).exists({ where: { slug: candidate } });
      if (!exists) {
        try {
          return await this.repo(em).save(this.repo(em).create({ name, slug: candidate, suspendedAt: null }));
        } catch (error) {
          if (!isUniqueViolation(error) || attempt > 3) throw error;
        }
      }
      if (attempt > 5) throw new Error(`Could not find a free slug for "${name}"`);
    }
  }

  async update(id: string, patch: Partial<Pick<OrganizationEntity, 'name' | 'suspendedAt'>>): Promise<void> {
    await this.repo().update({ id }, patch);
  }

  listPage(limit: number, cursor?: string): Promise<OrganizationEntity[]> {
    return this.repo().find({
      where: cursor ? { id: MoreThan(cursor) } : {},
      order: { id: 'ASC' },
      take: limit + 1,
    });
  }
}
