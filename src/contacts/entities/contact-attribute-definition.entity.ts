import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

export const attributeTypes = ['text', 'number', 'date', 'boolean', 'list'] as const;
export type AttributeType = (typeof attributeTypes)[number];

/**
 * A custom contact attribute of an organization: `contacts.attributes[key]` holds a value of its
 * type (text: string, number: JSON number, date: `YYYY-MM-DD` string, boolean, list: one of
 * `options`). The key is unique per organization.
 */
@Entity('contact_attribute_definitions')
export class ContactAttributeDefinitionEntity extends BaseEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 64 })
  key!: string;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: AttributeType;

  /** The allowed values of a `list` attribute (empty for the others). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  options!: string[];
}
