import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@/database/base.entity';

export interface SegmentRow {
  id: string;
  name: string;
  filter: Record<string, unknown>;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, filter, created_by, created_at, updated_at';

@Injectable()
export class SegmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(organizationId: OrganizationId): Promise<SegmentRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM segments WHERE organization_id = $1 ORDER BY lower(name), id LIMIT 1000`,
      [organizationId],
    );
  }

  async find(organizationId: OrganizationId, id: string): Promise<SegmentRow | null> {
    const [row] = await this.dataSource.query<SegmentRow[]>(
      `SELECT ${COLUMNS} FROM segments WHERE organization_id = $1 AND id = $2`,
      [organizationId, id],
    );
    return row ?? null;
  }

  async create(organizationId: OrganizationId, name: string, filter: unknown, createdBy: string | null) {
    const id = newId();
    await this.dataSource.query(
      `INSERT INTO segments (id, organization_id, name, filter, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, now(), now())`,
      [id, organizationId, name, JSON.stringify(filter), createdBy],
    );
    return id;
  }

  async update(organizationId: OrganizationId, id: string, name?: string, filter?: unknown): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `UPDATE segments SET name = COALESCE($3, name), filter = COALESCE($4::jsonb, filter), updated_at = now()
        WHERE organization_id = $1 AND id = $2`,
      [organizationId, id, name ?? null, filter === undefined ? null : JSON.stringify(filter)],
    );
    return count > 0;
  }

  async delete(organizationId: OrganizationId, id: string): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      'DELETE FROM segments WHERE organization_id = $1 AND id = $2',
      [organizationId, id],
    );
    return count > 0;
  }
}
