import type { OrganizationId } from '@/access/organization-id';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parse } from 'csv-parse';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { FileStorage } from '@/storage/file-storage';
import { ContactImportsRepository } from './contact-imports.repository';
import { type AttributeDefinition, MappingError, resolveMapping } from './csv/column-mapping';
import { COPY_NULL, copyValue, csvLine } from './csv/copy-text';
import { createRowNormalizer, type NormalizedRow, type RowRejection } from './csv/row-normalizer';
import { decodeSample, detectDelimiter, detectEncoding, SNIFF_BYTES } from './csv/sniff';
import { type ContactImportEntity, finishedStatuses } from './entities/contact-import.entity';
import * as sql from './import-merge.sql';

/** The import cannot go on, for a reason the user can act on (it fails with this message, no retry). */
export class ImportFailure extends Error {}

class ImportCanceled extends Error {}

/** Rows between two progress reports (which also look for a cancel). */
export const PROGRESS_EVERY_ROWS = 20_000;
/** COPY data is sent in chunks of about this many characters. */
const COPY_CHUNK = 256 * 1024;
/** Reading the file is this share of `progress`; the merge is the rest. */
const READ_SHARE = 0.9;

export type ImportOutcome = 'completed' | 'failed' | 'canceled' | 'not_found';

/** A COPY … FROM STDIN of text rows with backpressure: `push` buffers, `flush` writes, `drained` waits. */
class CopyWriter {
  private buffer = '';
  private readonly stream: Writable;
  private failure: Error | undefined;
  rows = 0;

  constructor(client: PoolClient, statement: string) {
    this.stream = client.query(copyFrom(statement));
    this.stream.on('error', (error: Error) => (this.failure ??= error));
  }

  push(line: string): void {
    this.buffer += line;
    this.rows++;
    if (this.buffer.length >= COPY_CHUNK) this.flush();
  }

  private flush(): void {
    if (this.buffer === '') return;
    this.stream.write(this.buffer);
    this.buffer = '';
  }

  /** Resolves once PostgreSQL has taken what was written (or throws what went wrong). */
  async drained(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
  }

  async end(): Promise<void> {
    this.flush();
    if (this.failure) throw this.failure;
    const done = once(this.stream, 'finish');
    this.stream.end();
    await done;
  }

  abort(error: Error): void {
    this.stream.destroy(error);
  }
}

/**
 * The worker side of an import (docs/contacts-import.md):
 *
 * 1. validating: the file is streamed from storage, its encoding and delimiter detected on the
 *    first 64 KiB, parsed by csv-parse, and each row validated and normalized; good rows go to
 *    the import's UNLOGGED staging table and bad ones to `contact_import_errors`, both through
 *    `COPY … FROM STDIN`. Nothing of the file is held in memory beyond a few chunks.
 * 2. importing: one transaction merges the staged rows into `contacts` with set-based statements
 *    (dedupe in the file, match by email or phone, update or insert per policy, tags), records
 *    the counts, marks the import completed and drops the staging table. A worker killed during
 *    it leaves nothing merged; the retry merges the same staged rows again.
 *
 * Two imports of one organization merge one after the other (a transaction-scoped advisory lock
 * on the organization); other writers of contacts are met with ON CONFLICT.
 */
@Injectable()
export class ContactImportRunner {
  private readonly logger = new Logger(ContactImportRunner.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly imports: ContactImportsRepository,
    private readonly storage: FileStorage,
  ) {}

  async run(organizationId: OrganizationId, id: string): Promise<ImportOutcome> {
    const row = await this.imports.find(organizationId, id);
    if (!row) return 'not_found';
    if (finishedStatuses.includes(row.status)) return row.status as ImportOutcome;
    try {
      if (row.cancelRequested) throw new ImportCanceled();
      const table = sql.stagingTableName(id);
      const resumable =
        row.status === 'importing' && row.staged !== null && (await this.stagedRows(table)) === row.staged;
      if (!resumable) await this.stage(organizationId, row, table);
      else this.logger.log(`Import ${id}: resuming the merge of ${row.staged} staged rows`);
      return await this.merge(organizationId, id, table);
    } catch (error) {
      if (error instanceof ImportCanceled) {
        await this.finish(organizationId, id, 'canceled');
        return 'canceled';
      }
      if (error instanceof ImportFailure) {
        await this.finish(organizationId, id, 'failed', error.message);
        return 'failed';
      }
      throw error;
    }
  }

  /** The last attempt failed unexpectedly: the import fails with a generic reason (details are in the logs). */
  async giveUp(organizationId: OrganizationId, id: string, error: unknown): Promise<void> {
    this.logger.error(`Import ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
    await this.finish(organizationId, id, 'failed', 'The import failed unexpectedly; try again or contact support.');
  }

  private async finish(
    organizationId: OrganizationId,
    id: string,
    status: 'failed' | 'canceled',
    error?: string,
  ): Promise<void> {
    await this.dataSource.query(`DROP TABLE IF EXISTS "${sql.stagingTableName(id)}"`);
    if (status === 'canceled') {
      // A canceled import keeps nothing: no half-listed rows either.
      await this.dataSource.query(`DELETE FROM contact_import_errors WHERE organization_id = $1 AND import_id = $2`, [
        organizationId,
        id,
      ]);
    }
    await this.imports.update(organizationId, id, {
      status,
      error: error ?? null,
      finishedAt: new Date(),
      ...(status === 'canceled' ? { created: 0, updated: 0, skipped: 0, failed: 0 } : {}),
    });
  }

  private async stagedRows(table: string): Promise<number | null> {
    const [found] = await this.dataSource.query<{ n: number | null }[]>(
      `SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE 0 END AS n`,
      [table],
    );
    if (found?.n === null || found?.n === undefined) return null;
    const [count] = await this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}"`);
    return count?.n ?? null;
  }

  private async connection(): Promise<{ client: PoolClient; release: (error?: boolean) => void }> {
    const [client, release] = (await (this.dataSource.driver as PostgresDriver).obtainMasterConnection()) as [
      PoolClient,
      (error?: boolean) => void,
    ];
    return { client, release };
  }

  private async organizationContext(organizationId: OrganizationId) {
    const [settings] = await this.dataSource.query<{ lifecycle_stages: string[]; default_country: string | null }[]>(
      `SELECT lifecycle_stages, default_country FROM contact_settings WHERE organization_id = $1`,
      [organizationId],
    );
    const definitions = await this.dataSource.query<AttributeDefinition[]>(
      `SELECT key, label, type, options FROM contact_attribute_definitions WHERE organization_id = $1`,
      [organizationId],
    );
    return {
      lifecycleStages: settings?.lifecycle_stages ?? ['lead', 'subscriber', 'opportunity', 'customer', 'churned'],
      defaultCountry: settings?.default_country ?? null,
      definitions,
    };
  }

  /** Reads, validates and stages the whole file (restarting from scratch on a retry). */
  private async stage(organizationId: OrganizationId, row: ContactImportEntity, table: string): Promise<void> {
    const id = row.id;
    await this.imports.update(organizationId, id, {
      status: 'validating',
      startedAt: row.startedAt ?? new Date(),
      attempts: row.attempts + 1,
      total: null,
      processed: 0,
      created: 0,
      updated: 0,
      skipped: 0,
      failed: 0,
      staged: null,
      progress: 0,
      error: null,
    });
    const context = await this.organizationContext(organizationId);
    const file = await this.storage.get(row.fileKey);
    if (!file) throw new ImportFailure('The uploaded file is no longer in storage.');

    const rowsConnection = await this.connection();
    const errorsConnection = await this.connection();
    let broken = false;
    let rows: CopyWriter | undefined;
    let errors: CopyWriter | undefined;
    try {
      await rowsConnection.client.query(`DROP TABLE IF EXISTS "${table}"`);
      await rowsConnection.client.query(sql.createStagingSql(table));
      await errorsConnection.client.query(
        `DELETE FROM contact_import_errors WHERE organization_id = $1 AND import_id = $2`,
        [organizationId, id],
      );

      // Encoding and delimiter from the first bytes.
      const iterator = file.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const head: Buffer[] = [];
      let headBytes = 0;
      while (headBytes < SNIFF_BYTES) {
        const next = await iterator.next();
        if (next.done) break;
        head.push(next.value);
        headBytes += next.value.length;
      }
      const sample = Buffer.concat(head);
      if (sample.length === 0) throw new ImportFailure('The file is empty.');
      const encoding = row.encoding ?? detectEncoding(sample);
      const delimiter = row.delimiter ?? detectDelimiter(decodeSample(sample, encoding));

      const rowsWriter = new CopyWriter(rowsConnection.client, `COPY "${table}" ${sql.stagingColumns} FROM STDIN`);
      const errorsWriter = new CopyWriter(
        errorsConnection.client,
        `COPY contact_import_errors ${sql.errorColumns} FROM STDIN`,
      );
      rows = rowsWriter;
      errors = errorsWriter;
      const errorPrefix = `${id}\t${organizationId}\t`;

      let rowNo = 0;
      let header: string[] | undefined;
      let normalize: ((record: readonly string[]) => NormalizedRow | RowRejection) | undefined;
      const reject = (no: number, reason: string, raw: string): void =>
        errorsWriter.push(`${errorPrefix}${no}\tfailed\t${copyValue(reason.slice(0, 500))}\t${copyValue(raw)}\n`);

      const onRecord = (record: string[]): null => {
        rowNo++;
        if (!header) {
          header = record.map((h) => h.trim());
          const mapping = resolveMapping(header, row.mapping, context.definitions);
          normalize = createRowNormalizer({ columns: mapping.columns, ...context });
          void this.imports.update(organizationId, id, {
            columns: header,
            resolvedMapping: mapping.summary,
            encoding,
            delimiter,
          });
          return null;
        }
        const raw = csvLine(record);
        const result = normalize!(record);
        if ('reason' in result) {
          reject(rowNo, result.reason, raw);
          return null;
        }
        rowsWriter.push(
          `${rowNo}\t${copyValue(result.name)}\t${copyValue(result.email)}\t${copyValue(result.phone)}\t` +
            `${copyValue(result.lifecycleStage)}\t${copyValue(result.leadScore)}\t` +
            `${result.attributes ? copyValue(JSON.stringify(result.attributes)) : COPY_NULL}\t${copyValue(raw)}\n`,
        );
        return null;
      };
      const parser = parse({
        delimiter,
        encoding: encoding === 'utf-8' ? 'utf8' : 'latin1',
        bom: true,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        skip_records_with_error: true,
        max_record_size: 1_048_576,
        on_record: onRecord,
        on_skip: (error: Error | undefined) => {
          rowNo++;
          if (header) reject(rowNo, `The row is not valid CSV: ${error?.message ?? 'unreadable'}`, '');
        },
      });

      const readStarted = performance.now();
      let bytesRead = 0;
      let reportedAt = 0;
      const size = Math.max(row.fileSize, 1);
      const imports = this.imports;
      async function* chunks(): AsyncGenerator<Buffer> {
        let chunk: Buffer | undefined = sample;
        while (chunk) {
          bytesRead += chunk.length;
          yield chunk;
          // Backpressure: PostgreSQL sets the pace.
          await rowsWriter.drained();
          await errorsWriter.drained();
          if (rowNo - reportedAt >= PROGRESS_EVERY_ROWS) {
            reportedAt = rowNo;
            const canceled = await imports.reportProgress(
              organizationId,
              id,
              Math.max(rowNo - 1, 0),
              Math.min(bytesRead / size, 1) * READ_SHARE,
            );
            if (canceled) throw new ImportCanceled();
          }
          const next = await iterator.next();
          chunk = next.done ? undefined : next.value;
        }
      }
      const sink = new Writable({ objectMode: true, write: (_record, _encoding, callback) => callback() });
      try {
        await pipeline(chunks(), parser, sink);
      } catch (error) {
        if (error instanceof MappingError) throw new ImportFailure(error.message);
        const code = (error as { code?: string }).code;
        if (typeof code === 'string' && code.startsWith('CSV_')) {
          throw new ImportFailure(`The file is not valid CSV: ${(error as Error).message}`);
        }
        throw error;
      }
      if (!header) throw new ImportFailure('The file is empty.');
      await rowsWriter.end();
      await errorsWriter.end();
      const total = Math.max(rowNo - 1, 0);
      await this.imports.update(organizationId, id, {
        status: 'importing',
        total,
        processed: total,
        failed: errorsWriter.rows,
        staged: rowsWriter.rows,
        progress: READ_SHARE,
      });
      this.logger.log(
        `Import ${id}: ${total} rows read, ${rowsWriter.rows} staged, ${errorsWriter.rows} rejected in ${Math.round(performance.now() - readStarted)} ms`,
      );
    } catch (error) {
      broken = true;
      const reason = error instanceof Error ? error : new Error(String(error));
      rows?.abort(reason);
      errors?.abort(reason);
      throw error;
    } finally {
      // A connection whose COPY was cut off is not given back to the pool.
      rowsConnection.release(broken);
      errorsConnection.release(broken);
      if (broken) file.body.destroy();
    }
  }

  /** The one transaction that writes contacts, counts and the end of the import. */
  private async merge(organizationId: OrganizationId, id: string, table: string): Promise<ImportOutcome> {
    const row = await this.imports.find(organizationId, id);
    if (!row) return 'not_found';
    const params = [organizationId, id];
    const outcome = await this.dataSource.transaction(async (em) => {
      const timings: string[] = [];
      let last = performance.now();
      const lap = (what: string): void => {
        const now = performance.now();
        timings.push(`${what} ${Math.round(now - last)} ms`);
        last = now;
      };
      const count = async (statement: string, values: unknown[] = params): Promise<number> => {
        const result = (await em.queryRunner!.query(statement, values, true)) as { affected?: number };
        lap(statement.trim().split('\n')[0]!.slice(0, 40));
        return result.affected ?? 0;
      };
      await em.query(`SET LOCAL work_mem = '64MB'`);
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('contact-import:' || $1, 0))`, [organizationId]);
      lap('lock');
      await em.query(`ANALYZE "${table}"`);
      lap('analyze');
      await em.query(sql.planSql(table), [organizationId]);
      lap('plan');
      await em.query(`CREATE TEMP TABLE import_touched (id uuid PRIMARY KEY) ON COMMIT DROP`);
      const inFile = await count(sql.fileDuplicatesSql(table));
      const ambiguous = await count(sql.ambiguousSql);
      const sameTarget = await count(sql.sameTargetSql);
      let updated = 0;
      let existingSkipped = 0;
      let existingFailed = 0;
      switch (row.dedupe) {
        case 'skip':
          existingSkipped = (await em.query<{ n: number }[]>(sql.countExistingSql))[0]?.n ?? 0;
          break;
        case 'create_only':
          existingFailed = await count(sql.createOnlyConflictsSql);
          break;
        case 'update':
          updated = await count(sql.updateExistingSql, [organizationId]);
          break;
      }
      const created = await count(sql.insertNewSql, [organizationId]);
      const lostRace = await count(sql.lostRaceSql);
      if (row.tags.length > 0) {
        await em.query(sql.ensureTagsSql, [organizationId, row.tags]);
        await em.query(sql.tagContactsSql, [organizationId, row.tags]);
        lap('tags');
      }
      // The last word on cancel: a cancel asked during the merge rolls all of it back.
      const [current] = await em.query<{ cancel_requested: boolean }[]>(
        `SELECT cancel_requested FROM contact_imports WHERE organization_id = $1 AND id = $2`,
        params,
      );
      if (!current || current.cancel_requested) throw new ImportCanceled();
      const failed = (row.failed ?? 0) + ambiguous + existingFailed + lostRace;
      const skipped = inFile + sameTarget + existingSkipped;
      await em.query(
        `UPDATE contact_imports SET status = 'completed', created = $3, updated = $4, skipped = $5, failed = $6,
                progress = 1, finished_at = now(), updated_at = now()
          WHERE organization_id = $1 AND id = $2`,
        [organizationId, id, created, updated, skipped, failed],
      );
      await em.query(`DROP TABLE "${table}"`);
      lap('drop');
      this.logger.log(
        `Import ${id} completed: ${created} created, ${updated} updated, ${skipped} skipped, ${failed} failed (merge: ${timings.join(', ')})`,
      );
      return 'completed' as const;
    });
    return outcome;
  }
}
