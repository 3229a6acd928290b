import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';
import type { MappingTarget } from '../csv/column-mapping';

export const importStatuses = ['queued', 'validating', 'importing', 'completed', 'failed', 'canceled'] as const;
export type ImportStatus = (typeof importStatuses)[number];
export const finishedStatuses: readonly ImportStatus[] = ['completed', 'failed', 'canceled'];

export const dedupePolicies = ['skip', 'update', 'create_only'] as const;
export type DedupePolicy = (typeof dedupePolicies)[number];

/** One CSV import of contacts: what was asked, where it stands, and its exact counts. */
@Entity('contact_imports')
@Index('ix_contact_imports_org_created', ['organizationId', 'createdAt', 'id'])
export class ContactImportEntity extends BaseEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @ForeignKey('users', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status!: ImportStatus;

  @Column({ type: 'varchar', length: 1000 })
  fileKey!: string;

  @Column({ type: 'varchar', length: 255 })
  fileName!: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  fileSize!: number;

  /** The caller's mapping (header → target). */
  @Column({ type: 'jsonb', default: {} })
  mapping!: Record<string, MappingTarget | null>;

  /** The mapping used (with auto-detected columns), once the header was read. */
  @Column({ type: 'jsonb', nullable: true })
  resolvedMapping!: Record<string, MappingTarget> | null;

  /** The file's header, for `errors.csv`. */
  @Column({ type: 'text', array: true, nullable: true })
  columns!: string[] | null;

  @Column({ type: 'varchar', length: 16 })
  dedupe!: DedupePolicy;

  @Column({ type: 'text', array: true, default: [] })
  tags!: string[];

  /** As asked, then as detected. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  encoding!: 'utf-8' | 'latin1' | null;

  @Column({ type: 'varchar', length: 4, nullable: true })
  delimiter!: string | null;

  /** Data rows of the file, known once it has been read. */
  @Column({ type: 'integer', nullable: true })
  total!: number | null;

  @Column({ type: 'integer', default: 0 })
  processed!: number;

  @Column({ type: 'integer', default: 0 })
  created!: number;

  @Column({ type: 'integer', default: 0 })
  updated!: number;

  @Column({ type: 'integer', default: 0 })
  skipped!: number;

  @Column({ type: 'integer', default: 0 })
  failed!: number;

  /** Valid rows in the staging table once validation finished (a resumed merge checks it). */
  @Column({ type: 'integer', nullable: true })
  staged!: number | null;

  @Column({ type: 'real', default: 0 })
  progress!: number;

  /** Why the import failed. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;

  @Column({ type: 'boolean', default: false })
  cancelRequested!: boolean;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}

/** A rejected (failed) or skipped row with the reason, and the row as it was in the file. */
@Entity('contact_import_errors')
export class ContactImportErrorEntity {
  @ForeignKey('contact_imports', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid', primary: true })
  importId!: string;

  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Index('ix_contact_import_errors_organization')
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'integer', primary: true })
  rowNo!: number;

  @Column({ type: 'varchar', length: 8 })
  outcome!: 'failed' | 'skipped';

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  /** The row's fields as one comma-delimited CSV line. */
  @Column({ type: 'text' })
  raw!: string;
}
