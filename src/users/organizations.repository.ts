import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, MoreThan } from 'typeorm';
import { OrganizationEntity } from './entities/organization.entity';
import { slugify, slugWithSuffix } from './slug';
import { newId } from '@/database/base.entity';
import { openSubscriptions } from '@/billing/subscription-opening';
import { type AppConfig, InjectConfig } from '@/config';

/** Slugs tried (the plain one, then random suffixes) before giving up. */
const CREATE_ATTEMPTS = 6;

@Injectable()
export class OrganizationsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

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

  /**
   * Inserts with a slug derived from the name (or the one given), adding a random suffix if taken.
   * `ON CONFLICT (slug) DO NOTHING` settles a race for a slug without an error, so the caller's
   * transaction (registration, founding an organization) stays usable for the next candidate.
   */
  async create(name: string, em: EntityManager, slug = slugify(name)): Promise<OrganizationEntity> {
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const candidate = attempt === 0 ? slug : slugWithSuffix(name);
      const id = newId();
      const rows = await em.query<{ created_at: Date; updated_at: Date }[]>(
        `INSERT INTO organizations (id, name, slug, suspended_at) VALUES ($1, $2, $3, NULL)
         ON CONFLICT (slug) DO NOTHING RETURNING created_at, updated_at`,
        [id, name, candidate],
      );
      const [row] = rows;
      if (row) {
        // Its subscription (the trial) commits with it.
        await openSubscriptions(em, [id], this.config.billing);
        return this.repo(em).create({
          id,
          name,
          slug: candidate,
          suspendedAt: null,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        });
      }
    }
    throw new Error(`Could not find a free slug for "${name}"`);
  }

  /**
   * The organization with this slug, inserted (named `name`) if there is none: a concurrent insert
   * of the same slug is waited for and returned, not duplicated under another slug.
   */
  async findOrCreateBySlug(slug: string, name: string, em: EntityManager): Promise<OrganizationEntity> {
    const [found] = await this.findBySlugs([slug], em);
    if (found) return found;
    const inserted = await em.query<{ id: string }[]>(
      `INSERT INTO organizations (id, name, slug, suspended_at) VALUES ($1, $2, $3, NULL)
       ON CONFLICT (slug) DO NOTHING RETURNING id`,
      [newId(), name, slug],
    );
    // Its subscription (the trial) commits with it; whoever inserted it first opened theirs.
    if (inserted[0]) await openSubscriptions(em, [inserted[0].id], this.config.billing);
    // Whoever inserted it has committed (the insert waited for them), so this statement sees it.
    const [organization] = await this.findBySlugs([slug], em);
    if (!organization) throw new Error(`Organization "${slug}" vanished while it was being created`);
    return organization;
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
