import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@/database/base.entity';

export interface TagRow {
  id: string;
  name: string;
  color: string | null;
  contact_count: number;
  created_at: Date;
}

const COLUMNS = `t.id, t.name, t.color, t.created_at,
  (SELECT count(*)::int FROM contact_tags ct WHERE ct.tag_id = t.id) AS contact_count`;

@Injectable()
export class TagsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(organizationId: OrganizationId): Promise<TagRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM tags t WHERE t.organization_id = $1 ORDER BY lower(t.name), t.id LIMIT 1000`,
      [organizationId],
    );
  }

  async find(organizationId: OrganizationId, id: string): Promise<TagRow | null> {
    const [row] = await this.dataSource.query<TagRow[]>(
      `SELECT ${COLUMNS} FROM tags t WHERE t.organization_id = $1 AND t.id = $2`,
      [organizationId, id],
    );
    return row ?? null;
  }

  async create(organizationId: OrganizationId, name: string, color: string | null): Promise<string> {
    const id = newId();
    await this.dataSource.query(
      'INSERT INTO tags (id, organization_id, name, color, created_at, updated_at) VALUES ($1, $2, $3, $4, now(), now())',
      [id, organizationId, name, color],
    );
    return id;
  }

  async update(organizationId: OrganizationId, id: string, name?: string, color?: string | null): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `UPDATE tags SET name = COALESCE($3, name), color = CASE WHEN $4::boolean THEN $5 ELSE color END, updated_at = now()
        WHERE organization_id = $1 AND id = $2`,
      [organizationId, id, name ?? null, color !== undefined, color ?? null],
    );
    return count > 0;
  }

  async delete(organizationId: OrganizationId, id: string): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      'DELETE FROM tags WHERE organization_id = $1 AND id = $2',
      [organizationId, id],
    );
    return count > 0;
  }
}
