import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { getDataSourceToken } from '@nestjs/typeorm';
import { startTestApp, type TestApp } from './support/test-app';

describe('pooled database connections that die while checked out', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('do not crash the process: the holder gets the error, the pool replaces the connection', async () => {
    const dataSource = t.app.get<DataSource>(getDataSourceToken());
    const driver = dataSource.driver as PostgresDriver;
    // Held between queries, as an import holds its COPY connections while it reads the file.
    const [client, release] = (await driver.obtainMasterConnection()) as [PoolClient, (error?: boolean) => void];
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const died = new Promise<void>((resolve) => client.once('end', () => resolve()));
    await t.sql('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await died;
    await expect(client.query('SELECT 1')).rejects.toThrow();
    release(true);

    expect((await t.request('GET', '/health/ready')).status).toBe(200);
    expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
