import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, dropTestDatabase } from './support/test-app';
import { databaseUrl, testRedisUrl } from './support/test-env';
import { repoRoot, spawnParley } from './support/process';

/** These specs run the built app (`npm test` builds first) as real processes. */
describe('the Parley process', () => {
  beforeAll(() => {
    if (!existsSync(join(repoRoot, 'dist/src/main.js'))) throw new Error('Run `npm run build` first (npm test does).');
  });

  it('stops with a message naming each bad setting', async () => {
    const parley = spawnParley({ PORT: 'eighty', APP_ROLE: 'both' });
    const { code } = await parley.exit;
    expect(code).toBe(78);
    expect(parley.output()).toContain('PORT: expected an integer between 0 and 65535 (got \\"eighty\\")');
    expect(parley.output()).toContain('APP_ROLE');
  });

  it('refuses to guess services in production', async () => {
    const parley = spawnParley({ NODE_ENV: 'production' });
    expect((await parley.exit).code).toBe(78);
    expect(parley.output()).toContain('DATABASE_URL: required in production');
  });

  it('lets an in-flight request finish on SIGTERM, refuses new ones, and exits 0', async () => {
    const database = await createTestDatabase();
    const parley = spawnParley(
      {
        PORT: '0',
        LOG_LEVEL: 'info',
        DATABASE_URL: databaseUrl(database),
        REDIS_URL: testRedisUrl,
        REDIS_KEY_PREFIX: `sigterm${process.pid}`,
      },
      'test/fixtures/slow-server.js',
    );
    try {
      const url = await parley.url;
      const slow = fetch(`${url}/api/v1/_probe/slow?ms=1500`).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
      await parley.printed('slow request started'); // the request is in the handler
      parley.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      // A request arriving during shutdown is refused: 503, or no connection at all once closed.
      const late = await fetch(`${url}/health/live`).then(
        (r) => r.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(late);
      const answered = await slow;
      expect(answered).toEqual({ status: 200, body: { finished: true, ms: 1500 } });
      const exit = await parley.exit;
      expect({ ...exit, output: exit.code === 0 ? '' : parley.output() }).toEqual({
        code: 0,
        signal: null,
        output: '',
      });
      expect(parley.output()).toContain('Shutdown complete');
    } finally {
      parley.child.kill('SIGKILL');
      await dropTestDatabase(database);
    }
  });

  it('runs on embedded PostgreSQL (PGlite) and a redis-server it starts, with no configuration', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-embedded-'));
    const parley = spawnParley({
      PORT: '0',
      DATA_DIR: dataDir,
      // Force the embedded path even though this machine has local services.
      EMBEDDED_DATABASE: 'always',
      EMBEDDED_REDIS: 'always',
    });
    try {
      const url = await parley.url;
      expect(parley.output()).toContain('embedded PostgreSQL (PGlite)');
      expect(parley.output()).toContain('redis-server from');
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ details: { database: { status: 'up' }, redis: { status: 'up' } } });
      const docs = await fetch(`${url}/docs`);
      expect(docs.status).toBe(200);
      expect(existsSync(join(dataDir, 'pglite'))).toBe(true);

      parley.child.kill('SIGTERM');
      expect(await parley.exit).toEqual({ code: 0, signal: null });
    } finally {
      parley.child.kill('SIGKILL');
    }
  });
});
