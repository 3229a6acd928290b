import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs `text` as the named prepared statement `name` on the data source's pool: parsed and planned
 * once per connection instead of at every call (hot paths: the chat turn, webhook deliveries).
 * One name per text, for the life of the process.
 */
export async function runPrepared<R>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const result = await pool.query<R & QueryResultRow>({ name, text, values });
  return result.rows;
}
