import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { adminDatabaseUrl, databaseUrl, templateDatabase, testDatabaseRoot } from './test-env';

/**
 * Once per run: a migrated template database. Each test file then gets its own copy
 * (`CREATE DATABASE ... TEMPLATE`), which takes milliseconds, so files run in parallel
 * without seeing each other's rows. Databases of crashed earlier runs are dropped; those of a run
 * that may still be going (younger than STALE_AFTER_MS: a template sits idle between copies, so
 * "no connections" alone does not tell) are left alone, so two runs can share one server.
 */
const STALE_AFTER_MS = 3 * 3600_000;

/** Run ids start with their start time (base 36 milliseconds, 8 characters). */
const startedAt = (datname: string): number =>
  parseInt(datname.slice(testDatabaseRoot.length + 1, testDatabaseRoot.length + 9), 36);

export default async function globalSetup(): Promise<void> {
  process.env.PARLEY_TEST_RUN = `${Date.now().toString(36).padStart(8, '0')}${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect().catch((error: unknown) => {
    throw new Error(`Tests need PostgreSQL at ${adminDatabaseUrl} (set TEST_DATABASE_ADMIN_URL): ${String(error)}`);
  });
  try {
    const stale = await admin.query<{ datname: string }>(
      `SELECT d.datname FROM pg_database d
        WHERE d.datname LIKE $1
          AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
      [`${testDatabaseRoot}\\_%`],
    );
    for (const { datname } of stale.rows) {
      const age = Date.now() - startedAt(datname);
      if (age >= 0 && age < STALE_AFTER_MS) continue;
      await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
    }
    await admin.query(`CREATE DATABASE "${templateDatabase()}"`);
  } finally {
    await admin.end();
  }
  const dataSource = new DataSource(
    dataSourceOptions({ url: databaseUrl(templateDatabase()), poolSize: 1, applicationName: 'parley-test-setup' }),
  );
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
