/**
 * Where the tests find PostgreSQL and Redis. CI (`.ci/run`) makes sure both run on 127.0.0.1;
 * override with TEST_DATABASE_ADMIN_URL / TEST_REDIS_URL to use others.
 */
export const adminDatabaseUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** All test databases start with this; each run adds its own id, so two runs can share a server. */
export const testDatabaseRoot = 'parley_t';

/** This run's id: set by the global setup (workers inherit the environment). */
export const testRunId = (): string => process.env.PARLEY_TEST_RUN ?? 'local';
export const templateDatabase = (): string => `${testDatabaseRoot}_${testRunId()}_template`;
export const testDatabasePrefix = (): string => `${testDatabaseRoot}_${testRunId()}_`;

export const databaseUrl = (database: string): string => {
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
};
