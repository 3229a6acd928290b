import { CreateDateColumn, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

/** A new time-ordered id (UUIDv7): index-friendly, sortable by creation time. */
export const newId = (): string => uuidv7();

/**
 * Every table's id and timestamps. Ids are UUIDv7 assigned by the application (see
 * `UuidV7Subscriber`), so they are known before insert and keep B-tree inserts append-only.
 */
export abstract class BaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
