/**
 * Where the tests find PostgreSQL and Redis. CI (`.ci/run`) makes sure both run on 127.0.0.1;
 * override with TEST_DATABASE_ADMIN_URL / TEST_REDIS_URL to use others.
 */
export const adminDatabaseUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const templateDatabase = 'parley_test_template';
export const testDatabasePrefix = 'parley_t_';

export const databaseUrl = (database: string): string => {
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
};
