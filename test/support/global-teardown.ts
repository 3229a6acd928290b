import { Client } from 'pg';
import { adminDatabaseUrl, testDatabasePrefix } from './test-env';

/** Drops this run's databases (the template and any a crashed test left behind). */
export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    const left = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [testDatabasePrefix()],
    );
    for (const { datname } of left.rows) {
      await admin.query(`ALTER DATABASE "${datname}" IS_TEMPLATE false`);
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
