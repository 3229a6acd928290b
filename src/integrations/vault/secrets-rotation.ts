import type { DataSource, EntityManager } from 'typeorm';
import type { SealedColumn } from './sealed-columns';
import { type SecretsVault, UnknownSealingKey } from './secrets-vault';

export interface ColumnRotation {
  readonly table: string;
  readonly column: string;
  /** Values re-sealed with the current key. */
  resealed: number;
  /** Values that name a key this installation does not have (left as they are). */
  unknownKey: number;
  /** Values that do not open with their key (tampered with, or copied from another row). */
  unreadable: number;
  /** Stale values still there at the end (locked by a writer during every pass). */
  remaining: number;
}

export interface RotationReport {
  readonly currentKeyId: string;
  readonly columns: ColumnRotation[];
  /** Key ids named by values that no configured key opens. */
  readonly unknownKeyIds: string[];
}

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain SQL identifier`);
  return `"${name}"`;
};

/**
 * Re-seals every stale value (one sealed with a previous key) of every registered column with the
 * current key. Rows are taken in id order, in batches, each batch in its own transaction with
 * `FOR UPDATE SKIP LOCKED` (a row a writer holds is left for the next pass) and a conditional
 * update (`WHERE column = <the value read>`), so a concurrent write is never overwritten.
 */
export class SecretsRotation {
  constructor(
    private readonly dataSource: DataSource,
    private readonly vault: SecretsVault,
    private readonly columns: readonly SealedColumn[],
    private readonly batchSize = 200,
  ) {}

  async run(): Promise<RotationReport> {
    const unknownKeyIds = new Set<string>();
    const columns: ColumnRotation[] = [];
    for (const column of this.columns) columns.push(await this.rotateColumn(column, unknownKeyIds));
    return { currentKeyId: this.vault.currentKeyId, columns, unknownKeyIds: [...unknownKeyIds].sort() };
  }

  private async rotateColumn(target: SealedColumn, unknownKeyIds: Set<string>): Promise<ColumnRotation> {
    const result: ColumnRotation = {
      table: target.table,
      column: target.column,
      resealed: 0,
      unknownKey: 0,
      unreadable: 0,
      remaining: 0,
    };
    const table = ident(target.table);
    const column = ident(target.column);
    const aad = ident(target.aad);
    const stale = `${column} IS NOT NULL AND split_part(${column}, '.', 2) <> $1`;
    // Passes until one re-seals nothing (rows locked by a writer are tried again in the next pass).
    for (let pass = 0; pass < 5; pass++) {
      let after = '';
      let resealedThisPass = 0;
      for (;;) {
        const batch = await this.dataSource.transaction(async (manager: EntityManager) => {
          const rows = await manager.query<{ id: string; value: string }[]>(
            `SELECT ${aad}::text AS id, ${column} AS value FROM ${table}
             WHERE ${stale} AND ${aad}::text > $2
             ORDER BY ${aad}::text LIMIT $3 FOR UPDATE SKIP LOCKED`,
            [this.vault.currentKeyId, after, this.batchSize],
          );
          for (const row of rows) {
            let plaintext: string;
            try {
              plaintext = this.vault.open(row.value, row.id);
            } catch (error) {
              if (error instanceof UnknownSealingKey) {
                if (pass === 0) result.unknownKey++;
                unknownKeyIds.add(error.keyId);
              } else if (pass === 0) result.unreadable++;
              continue;
            }
            const updated = await manager.query<[unknown, number]>(
              `UPDATE ${table} SET ${column} = $1 WHERE ${aad}::text = $2 AND ${column} = $3`,
              [this.vault.seal(plaintext, row.id), row.id, row.value],
            );
            if (updated[1] > 0) resealedThisPass++;
          }
          return rows;
        });
        if (batch.length === 0) break;
        after = batch[batch.length - 1]!.id;
      }
      result.resealed += resealedThisPass;
      if (resealedThisPass === 0) break;
    }
    const [left] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${table} WHERE ${stale}`,
      [this.vault.currentKeyId],
    );
    result.remaining = Math.max(0, (left?.n ?? 0) - result.unknownKey - result.unreadable);
    return result;
  }
}
