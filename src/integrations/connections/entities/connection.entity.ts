import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';
import type { ConnectionType } from '../connection-secrets';

/** A named credential of an organization; its secrets are sealed (`secretsSealed`, aad = `id`). */
@Entity('connections')
export class ConnectionEntity extends BaseEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: ConnectionType;

  @Column({ type: 'jsonb', default: {} })
  settings!: Record<string, unknown>;

  /** The JSON of the secrets, sealed by `SecretsVault` with the row's id as additional data. */
  @Column({ type: 'text' })
  secretsSealed!: string;

  @ForeignKey('users', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  createdById!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastTestedAt!: Date | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  lastTestOutcome!: 'ok' | 'error' | null;

  @Column({ type: 'text', nullable: true })
  lastTestError!: string | null;
}
