import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { adminDatabaseUrl, databaseUrl, templateDatabase, testDatabasePrefix } from './test-env';

/**
 * Once per run: a migrated template database. Each test file then gets its own copy
 * (`CREATE DATABASE ... TEMPLATE`), which takes milliseconds, so files run in parallel
 * without seeing each other's rows.
 */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect().catch((error: unknown) => {
    throw new Error(`Tests need PostgreSQL at ${adminDatabaseUrl} (set TEST_DATABASE_ADMIN_URL): ${String(error)}`);
  });
  try {
    const stale = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`${testDatabasePrefix}%`, templateDatabase],
    );
    for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${templateDatabase}"`);
  } finally {
    await admin.end();
  }
  const dataSource = new DataSource(
    dataSourceOptions({ url: databaseUrl(templateDatabase), poolSize: 1, applicationName: 'parley-test-setup' }),
  );
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
