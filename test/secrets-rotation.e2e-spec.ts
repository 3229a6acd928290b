import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { keyId, parseKey } from '@/common/crypto/master-key';
import { SecretsVault } from '@/integrations/vault/secrets-vault';
import { HttpTarget } from './support/http-target';
import { repoRoot, spawnParley, type SpawnedParley } from './support/process';
import { createTestDatabase, dropTestDatabase } from './support/test-app';
import { databaseUrl, testRedisUrl } from './support/test-env';

const KEY_A = randomBytes(32).toString('hex');
const KEY_B = randomBytes(32).toString('base64');
const KEY_C = randomBytes(32).toString('hex');
const CLI = 'dist/src/integrations/vault/rotate-secrets.cli.js';

interface Rotated {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Key rotation end to end, with real processes on one database: connections sealed with key A;
 * a restart with B (A previous) still opens them; `npm run secrets:rotate` re-seals every row with
 * B in batches; a restart with B alone still opens them; a value of a key nobody has is reported
 * and fails the command.
 */
describe('secrets rotation (npm run secrets:rotate)', () => {
  let database: string;
  let pg: Client;
  let parley: SpawnedParley | undefined;
  const target = new HttpTarget();
  let targetUrl: string;
  const prefix = `rot${process.pid}${randomBytes(3).toString('hex')}`;

  const env = (key: string, previous?: string): Record<string, string> => ({
    PORT: '0',
    LOG_LEVEL: 'info',
    APP_ROLE: 'all',
    DATABASE_URL: databaseUrl(database),
    DATABASE_MIGRATE_ON_BOOT: 'false',
    REDIS_URL: testRedisUrl,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: 'rotation-test-secret-that-is-long-enough-0123',
    EMBEDDED_DATABASE: 'never',
    EMBEDDED_REDIS: 'never',
    OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true',
    ENCRYPTION_KEY: key,
    ...(previous ? { ENCRYPTION_PREVIOUS_KEYS: previous } : {}),
  });

  const start = async (key: string, previous?: string): Promise<string> => {
    parley = spawnParley(env(key, previous));
    return parley.url;
  };
  const stop = async (): Promise<void> => {
    if (!parley) return;
    parley.child.kill('SIGTERM');
    await parley.exit;
    parley = undefined;
  };

  const rotate = (key: string, previous?: string, args: string[] = []): Promise<Rotated> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(repoRoot, CLI), ...args],
        { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env(key, previous) } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  const call = async (url: string, method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };

  const keyIds = async () =>
    (
      await pg.query<{ k: string }>(`SELECT split_part(secrets_sealed, '.', 2) AS k FROM connections ORDER BY id`)
    ).rows.map((r) => r.k);

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, CLI))) throw new Error('Run `npm run build` first (npm test does).');
    targetUrl = (await target.start()).url;
    target.route('GET /protected', (req, res) =>
      HttpTarget.json(res, /^Bearer rotation-token-\d$/.test(req.headers.authorization ?? '') ? 200 : 401, {}),
    );
    database = await createTestDatabase();
    pg = new Client({ connectionString: databaseUrl(database) });
    await pg.connect();
  });
  afterAll(async () => {
    await stop();
    await pg?.end();
    if (database) await dropTestDatabase(database);
    await target.stop();
  });

  it('re-seals every value with the new key and keeps every connection working', async () => {
    const idA = keyId(parseKey(KEY_A));
    const idB = keyId(parseKey(KEY_B));
    let url = await start(KEY_A);
    const registered = await call(url, 'POST', '/api/v1/auth/register', {
      email: `rotation.${randomBytes(3).toString('hex')}@example.com`,
      password: 'correct horse battery staple',
      name: 'Rotator',
      organizationName: 'Rotation Org',
    });
    expect(registered.status).toBe(201);
    const email = registered.body.user.email as string;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await call(
        url,
        'POST',
        '/api/v1/connections',
        {
          name: `Conn ${i}`,
          type: 'bearer',
          settings: { testUrl: `${targetUrl}/protected` },
          secrets: { token: `rotation-token-${i}` },
        },
        registered.body.accessToken,
      );
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    expect(await keyIds()).toEqual(Array(5).fill(idA));
    // A webhook subscription's signing secret is sealed too, and rotated with the rest.
    const hook = await call(
      url,
      'POST',
      '/api/v1/webhooks',
      { url: 'https://hooks.example.com/parley', eventTypes: ['*'] },
      registered.body.accessToken,
    );
    expect(hook.status).toBe(201);
    await stop();

    const login = async (u: string) =>
      (await call(u, 'POST', '/api/v1/auth/login', { email, password: 'correct horse battery staple' })).body
        .accessToken as string;
    const allWork = async (u: string) => {
      const token = await login(u);
      const outcomes: boolean[] = [];
      for (const id of ids) outcomes.push((await call(u, 'POST', `/api/v1/connections/${id}/test`, {}, token)).body.ok);
      return outcomes;
    };

    // B is the key, A previous: the old values still open.
    url = await start(KEY_B, KEY_A);
    expect(await allWork(url)).toEqual(Array(5).fill(true));

    const untouched = { resealed: 0, unknownKey: 0, unreadable: 0, remaining: 0 };
    const rotated = await rotate(KEY_B, KEY_A, ['--batch-size=2']);
    expect(rotated.code).toBe(0);
    const report = JSON.parse(rotated.stdout);
    expect(report).toEqual({
      currentKeyId: idB,
      columns: [
        { table: 'connections', column: 'secrets_sealed', resealed: 5, unknownKey: 0, unreadable: 0, remaining: 0 },
        { table: 'webhook_subscriptions', column: 'secret_sealed', ...untouched, resealed: 1 },
        { table: 'webhook_subscriptions', column: 'previous_secret_sealed', ...untouched },
        { table: 'whatsapp_channels', column: 'access_token_sealed', ...untouched },
        { table: 'whatsapp_channels', column: 'app_secret_sealed', ...untouched },
      ],
      unknownKeyIds: [],
    });
    expect(await keyIds()).toEqual(Array(5).fill(idB));
    // Running it again has nothing to do.
    expect(JSON.parse((await rotate(KEY_B, KEY_A)).stdout).columns[0].resealed).toBe(0);
    expect(await allWork(url)).toEqual(Array(5).fill(true));
    await stop();

    // The old key is gone: everything still opens.
    url = await start(KEY_B);
    expect(await allWork(url)).toEqual(Array(5).fill(true));
    await stop();
    expect(parley).toBeUndefined();

    // A row a writer holds is skipped (SKIP LOCKED), never overwritten, and re-sealed by the next run.
    const writer = new Client({ connectionString: databaseUrl(database) });
    await writer.connect();
    const sealA = (token: string) => new SecretsVault(parseKey(KEY_A)).seal(JSON.stringify({ token }), ids[0]);
    try {
      await writer.query('UPDATE connections SET secrets_sealed = $1 WHERE id = $2', [
        sealA('rotation-token-6'),
        ids[0],
      ]);
      await writer.query('BEGIN');
      await writer.query('UPDATE connections SET secrets_sealed = $1 WHERE id = $2', [
        sealA('rotation-token-7'),
        ids[0],
      ]);
      const busy = JSON.parse((await rotate(KEY_B, KEY_A)).stdout);
      expect(busy.columns[0]).toMatchObject({ resealed: 0, remaining: 1 });
      await writer.query('COMMIT');
    } finally {
      await writer.end();
    }
    expect((await keyIds())[0]).toBe(idA);
    const after = JSON.parse((await rotate(KEY_B, KEY_A)).stdout);
    expect(after.columns[0]).toMatchObject({ resealed: 1, remaining: 0 });
    expect(await keyIds()).toEqual(Array(5).fill(idB));

    // A value sealed with a key this installation never had: reported, left as is, exit code 1.
    const idC = keyId(parseKey(KEY_C));
    await pg.query('UPDATE connections SET secrets_sealed = $1 WHERE id = $2', [
      new SecretsVault(parseKey(KEY_C)).seal(JSON.stringify({ token: 'rotation-token-9' }), ids[2]),
      ids[2],
    ]);
    const unknown = await rotate(KEY_B);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      columns: expect.arrayContaining([
        expect.objectContaining({ table: 'connections', resealed: 0, unknownKey: 1, remaining: 0 }),
      ]),
      unknownKeyIds: [idC],
    });
    expect(unknown.stderr).toContain(idC);
    expect(unknown.stdout + unknown.stderr).not.toContain('rotation-token');
    expect((await keyIds())[2]).toBe(idC);
  });
});
