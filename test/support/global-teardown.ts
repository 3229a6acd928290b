import { Client } from 'pg';
import { adminDatabaseUrl, testDatabasePrefix } from './test-env';

/** Drops the per-file databases a crashed test may have left behind. */
export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    const left = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${testDatabasePrefix}%`,
    ]);
    for (const { datname } of left.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
