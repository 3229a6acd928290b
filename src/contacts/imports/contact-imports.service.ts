import { Quotas } from '@/billing/billing.contracts';
import type { OrganizationId } from '@/access/organization-id';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@/config';
import { newId } from '@/database/base.entity';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';
import { FileStorage, fileKey, type StoredFile } from '@/storage/file-storage';
import { ContactImportsRepository } from './contact-imports.repository';
import { ContactImportFinished, ContactImportNotFound } from './contact-imports.exception';
import { csvField } from './csv/copy-text';
import type { CreateContactImportDto } from './dto/contact-import.dto';
import { type ContactImportDto, toContactImportDto } from './dto/contact-import.dto';

/** An upload streamed to storage, before its import exists. */
export interface StoredUpload {
  readonly importId: string;
  readonly file: StoredFile;
  readonly fileName: string;
}

/** Attempts of an import job: a worker killed mid-import is retried (resume or clean restart). */
const IMPORT_ATTEMPTS = 3;
const ERRORS_PAGE = 2_000;

@Injectable()
export class ContactImportsService {
  private readonly logger = new Logger(ContactImportsService.name);

  constructor(
    private readonly imports: ContactImportsRepository,
    private readonly storage: FileStorage,
    @InjectTypedQueue('imports') private readonly queue: TypedQueue<'imports'>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly quotas: Quotas,
  ) {}

  /** Streams the uploaded file into storage (413 past `CONTACTS_IMPORT_MAX_BYTES`), never into memory. */
  async storeUpload(organizationId: OrganizationId, body: Readable, fileName: string): Promise<StoredUpload> {
    const importId = newId();
    const file = await this.storage.put(fileKey(organizationId, 'imports', `${importId}.csv`), body, {
      contentType: 'text/csv',
      maxBytes: this.config.contacts.importMaxBytes,
    });
    return { importId, file, fileName: (fileName || 'contacts.csv').slice(0, 255) };
  }

  /** Forgets an upload whose import was refused (bad fields). */
  async discardUpload(upload: StoredUpload): Promise<void> {
    await this.storage.delete(upload.file.key);
  }

  /** Records the import and queues it (job id = import id); 202 for the caller. */
  async create(
    organizationId: OrganizationId,
    createdBy: string | null,
    upload: StoredUpload,
    options: CreateContactImportDto,
  ): Promise<ContactImportDto> {
    // Refused when the contacts are full; an import that starts below the limit runs in full.
    await this.quotas.assertAvailable(organizationId, 'contacts');
    const row = await this.imports.create(organizationId, {
      id: upload.importId,
      createdBy,
      fileKey: upload.file.key,
      fileName: upload.fileName,
      fileSize: upload.file.size,
      mapping: options.mapping ?? {},
      dedupe: options.dedupe ?? 'skip',
      tags: [...new Map((options.tags ?? []).map((t) => [t.trim().toLowerCase(), t.trim()])).values()],
      encoding: options.encoding ?? null,
      delimiter: options.delimiter ?? null,
    });
    try {
      await this.queue.add(
        'import',
        { organizationId, importId: row.id },
        { jobId: row.id, attempts: IMPORT_ATTEMPTS, backoff: { type: 'exponential', delay: 2_000 } },
      );
    } catch (error) {
      await this.imports.delete(organizationId, row.id);
      await this.storage.delete(upload.file.key).catch(() => undefined);
      throw error;
    }
    return toContactImportDto(row);
  }

  async get(organizationId: OrganizationId, id: string): Promise<ContactImportDto> {
    const row = await this.imports.find(organizationId, id);
    if (!row) throw new ContactImportNotFound(id);
    return toContactImportDto(row);
  }

  /** Cancels a queued import at once, a running one at the worker's next check (see docs/contacts-import.md). */
  async cancel(organizationId: OrganizationId, id: string): Promise<ContactImportDto> {
    const row = await this.imports.requestCancel(organizationId, id);
    if (row) {
      if (row.status === 'canceled') {
        await this.queue.raw.remove(id).catch((error: unknown) => this.logger.warn(`Import ${id}: ${String(error)}`));
      }
      return toContactImportDto(row);
    }
    const existing = await this.imports.find(organizationId, id);
    if (!existing) throw new ContactImportNotFound(id);
    throw new ContactImportFinished(existing.status);
  }

  /**
   * The rejected and skipped rows as CSV, streamed page by page: `row,outcome,reason` and the
   * file's own columns. Empty (header only) until the file has been read.
   */
  async errorsCsv(organizationId: OrganizationId, id: string): Promise<{ fileName: string; body: Readable }> {
    const row = await this.imports.find(organizationId, id);
    if (!row) throw new ContactImportNotFound(id);
    const imports = this.imports;
    const header = ['row', 'outcome', 'reason', ...(row.columns ?? [])].map(csvField).join(',');
    async function* lines(): AsyncGenerator<string> {
      yield `${header}\r\n`;
      let after = 0;
      for (;;) {
        const page = await imports.errorsPage(organizationId, id, after, ERRORS_PAGE);
        if (page.length === 0) return;
        yield page.map((e) => `${e.rowNo},${e.outcome},${csvField(e.reason)}${e.raw ? `,${e.raw}` : ''}\r\n`).join('');
        after = page[page.length - 1]!.rowNo;
        if (page.length < ERRORS_PAGE) return;
      }
    }
    const base = row.fileName.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '_') || 'contacts';
    return { fileName: `${base}-errors.csv`, body: Readable.from(lines()) };
  }
}
