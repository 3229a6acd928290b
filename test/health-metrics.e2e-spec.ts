import { startEmbeddedRedis } from '@/redis/embedded-redis';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProbeModule } from './support/probe.module';
import { dropTestDatabase, startTestApp, type TestApp } from './support/test-app';

describe('health and metrics', () => {
  describe('with PostgreSQL and Redis up', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ METRICS_TOKEN: 'scrape-token-0123456789' }, { extraModules: [ProbeModule] });
    });
    afterAll(() => t.close());

    it('is live and ready', async () => {
      expect((await t.request('GET', '/health/live')).status).toBe(200);
      const ready = await t.request('GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        details: { database: { status: 'up' }, redis: { status: 'up' } },
      });
    });

    it('reports readiness 503 when the database goes away', async () => {
      const other = await startTestApp();
      try {
        await other.sql('SELECT 1');
        // Drop the app's database from under it (terminating its connections).
        await dropTestDatabase(other.databaseName);
        const ready = await other.request('GET', '/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
        expect(ready.body.details.redis.status).toBe('up');
      } finally {
        await other.close().catch(() => undefined);
      }
    });

    it('exposes HTTP durations by route template, method and status, behind the token', async () => {
      await t.request('GET', '/api/v1/_probe/items/123');
      await t.request('GET', '/api/v1/_probe/items/456');
      await t.request('GET', '/api/v1/nowhere');

      expect((await t.request('GET', '/metrics')).status).toBe(401);
      expect((await t.request('GET', '/metrics', { token: 'wrong-token-0123456789' })).status).toBe(401);
      const res = await t.request('GET', '/metrics', { token: 'scrape-token-0123456789' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.text).toMatch(
        /http_request_duration_seconds_count\{route="\/api\/v1\/_probe\/items\/:id",method="GET",status_code="200"\} 2/,
      );
      expect(res.text).toMatch(
        /http_request_duration_seconds_count\{route="unmatched",method="GET",status_code="404"\} 1/,
      );
      expect(res.text).not.toContain('items/123');
      expect(res.text).toContain('process_cpu_user_seconds_total');
    });
  });

  describe('when Redis goes down', () => {
    it('answers readiness 503 naming redis while liveness stays 200', async () => {
      const redis = await startEmbeddedRedis(mkdtempSync(join(tmpdir(), 'parley-redis-')));
      const t = await startTestApp({ REDIS_URL: redis.url, APP_ROLE: 'api' });
      try {
        expect((await t.request('GET', '/health/ready')).status).toBe(200);
        await redis.stop();
        const ready = await t.request('GET', '/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({
          status: 'error',
          error: { redis: { status: 'down' } },
          info: { database: { status: 'up' } },
        });
        expect((await t.request('GET', '/health/live')).status).toBe(200);
      } finally {
        await t.close().catch(() => undefined);
        await redis.stop();
      }
    });
  });
});
