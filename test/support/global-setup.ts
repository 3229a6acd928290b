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
 * still going (they have connections) are left alone, so two runs can share one server.
 */
/** Run ids are `<pid><4 hex>` (below): is the process of the run that made `datname` alive? */
function runIsAlive(datname: string): boolean {
  const run = datname.slice(testDatabaseRoot.length + 1).split('_')[0] ?? '';
  const pid = Number(run.slice(0, -4));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default async function globalSetup(): Promise<void> {
  process.env.PARLEY_TEST_RUN = `${process.pid}${randomBytes(2).toString('hex')}`;
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
      // An idle template of a run still going (its process is alive) is not stale.
      if (runIsAlive(datname)) continue;
      await admin.query(`ALTER DATABASE "${datname}" IS_TEMPLATE false`).catch(() => undefined);
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
  // A template cannot be dropped: another run's clean-up (which drops idle test databases) leaves it alone.
  const marker = new Client({ connectionString: adminDatabaseUrl });
  await marker.connect();
  try {
    await marker.query(`ALTER DATABASE "${templateDatabase()}" IS_TEMPLATE true`);
  } finally {
    await marker.end();
  }
}
