import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@/database/base.entity';
import { ContactImportEntity, ContactImportErrorEntity } from './entities/contact-import.entity';

export type NewContactImport = Pick<
  ContactImportEntity,
  'createdBy' | 'fileKey' | 'fileName' | 'fileSize' | 'mapping' | 'dedupe' | 'tags' | 'encoding' | 'delimiter'
> & { readonly id?: string };

/** The `contact_imports` rows and their rejected rows (the staging and merge SQL is in `ImportStaging`). */
@Injectable()
export class ContactImportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ContactImportEntity);
  }

  async create(organizationId: OrganizationId, fields: NewContactImport): Promise<ContactImportEntity> {
    return this.repo.save(this.repo.create({ ...fields, id: fields.id ?? newId(), organizationId, status: 'queued' }));
  }

  find(organizationId: OrganizationId, id: string): Promise<ContactImportEntity | null> {
    return this.repo.findOne({ where: { organizationId, id } });
  }

  async delete(organizationId: OrganizationId, id: string): Promise<void> {
    await this.repo.delete({ organizationId, id });
  }

  /**
   * Asks the worker to stop: a queued import is canceled at once, a running one when the worker
   * next checks (between stages and every few thousand rows). Null when finished or not found.
   */
  async requestCancel(organizationId: OrganizationId, id: string): Promise<ContactImportEntity | null> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({
        cancelRequested: true,
        status: () => `CASE WHEN status = 'queued' THEN 'canceled' ELSE status END`,
        finishedAt: () => `CASE WHEN status = 'queued' THEN now() ELSE finished_at END`,
      })
      .where(`organization_id = :organizationId AND id = :id AND status NOT IN ('completed', 'failed', 'canceled')`, {
        organizationId,
        id,
      })
      .execute();
    return (result.affected ?? 0) > 0 ? this.find(organizationId, id) : null;
  }

  /** A keyset page of the rejected and skipped rows, by row number. */
  errorsPage(organizationId: OrganizationId, importId: string, afterRow: number, limit: number) {
    return this.dataSource
      .getRepository(ContactImportErrorEntity)
      .createQueryBuilder('e')
      .where('e.organizationId = :organizationId AND e.importId = :importId AND e.rowNo > :afterRow', {
        organizationId,
        importId,
        afterRow,
      })
      .orderBy('e.rowNo', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Sets fields of the import (the worker's progress and stages). */
  async update(organizationId: OrganizationId, id: string, patch: Partial<ContactImportEntity>): Promise<void> {
    await this.repo.update({ organizationId, id }, patch);
  }

  /** Progress while reading the file; answers whether a cancel was asked meanwhile. */
  async reportProgress(
    organizationId: OrganizationId,
    id: string,
    processed: number,
    progress: number,
  ): Promise<boolean> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows] = await this.dataSource.query<[{ cancel_requested: boolean }[], number]>(
      `UPDATE contact_imports SET processed = $3, progress = $4, updated_at = now()
        WHERE organization_id = $1 AND id = $2 RETURNING cancel_requested`,
      [organizationId, id, processed, progress],
    );
    // A row that is gone (the organization was deleted) stops the import like a cancel.
    return rows[0]?.cancel_requested ?? true;
  }
}
