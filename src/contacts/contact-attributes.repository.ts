import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@/database/base.entity';
import type { AttributeType } from './entities/contact-attribute-definition.entity';

export interface AttributeDefinitionRow {
  id: string;
  key: string;
  label: string;
  type: AttributeType;
  options: string[];
  created_at: Date;
}

const COLUMNS = 'id, key, label, type, options, created_at';

@Injectable()
export class ContactAttributesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(organizationId: OrganizationId): Promise<AttributeDefinitionRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM contact_attribute_definitions WHERE organization_id = $1 ORDER BY key LIMIT 1000`,
      [organizationId],
    );
  }

  async find(organizationId: OrganizationId, id: string): Promise<AttributeDefinitionRow | null> {
    const [row] = await this.dataSource.query<AttributeDefinitionRow[]>(
      `SELECT ${COLUMNS} FROM contact_attribute_definitions WHERE organization_id = $1 AND id = $2`,
      [organizationId, id],
    );
    return row ?? null;
  }

  async create(
    organizationId: OrganizationId,
    fields: { key: string; label: string; type: AttributeType; options: string[] },
  ): Promise<string> {
    const id = newId();
    await this.dataSource.query(
      `INSERT INTO contact_attribute_definitions (id, organization_id, key, label, type, options, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now(), now())`,
      [id, organizationId, fields.key, fields.label, fields.type, fields.options],
    );
    return id;
  }

  async update(
    organizationId: OrganizationId,
    id: string,
    fields: { label?: string; options?: string[] },
  ): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `UPDATE contact_attribute_definitions SET label = COALESCE($3, label), options = COALESCE($4, options), updated_at = now()
        WHERE organization_id = $1 AND id = $2`,
      [organizationId, id, fields.label ?? null, fields.options ?? null],
    );
    return count > 0;
  }

  /** Deletes the definition; contacts keep no value of it (set-based, one statement). */
  async delete(organizationId: OrganizationId, id: string): Promise<boolean> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM contact_attribute_definitions WHERE organization_id = $1 AND id = $2 RETURNING key),
            cleared AS (UPDATE contacts c SET attributes = c.attributes - gone.key, updated_at = now() FROM gone
                         WHERE c.organization_id = $1 AND c.attributes ? gone.key RETURNING 1)
       SELECT (SELECT count(*)::int FROM gone) AS n, (SELECT count(*) FROM cleared) AS cleared`,
      [organizationId, id],
    );
    return (row?.n ?? 0) > 0;
  }
}
