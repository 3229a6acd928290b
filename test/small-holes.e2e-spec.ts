import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DEFAULT_PASSWORD, login, register } from './support/identity';
import { outboxData } from './support/outbox';
import { repoRoot, spawnParley } from './support/process';
import { withQueueEvents } from './support/queues';
import { createTestDatabase, dropTestDatabase, startTestApp, type TestApp } from './support/test-app';
import { databaseUrl, testRedisUrl } from './support/test-env';

describe('small holes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      CORS_ORIGINS: 'https://dashboard.example',
      HTTP_HEADERS_TIMEOUT_MS: '500',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
    });
  });
  afterAll(() => t.close());

  describe('password reset tokens', () => {
    const resetTokensOf = async (email: string, times: number): Promise<string[]> => {
      for (let i = 0; i < times; i++) {
        expect((await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email } })).status).toBe(202);
      }
      const tokens = (await outboxData(t, 'auth.password_reset_requested'))
        .filter((e) => e.email === email)
        .map((e) => e.token);
      expect(tokens).toHaveLength(times);
      return tokens;
    };
    const confirm = (token: string, newPassword: string) =>
      t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, newPassword } });

    it('a successful reset voids every other outstanding reset token of the user', async () => {
      const account = await register(t);
      const [first, second] = (await resetTokensOf(account.email, 2)) as [string, string];
      expect((await confirm(first, 'the first new passphrase')).status).toBe(204);
      const late = await confirm(second, 'the second new passphrase');
      expect(late.status).toBe(400);
      expect(late.body.code).toBe('auth.invalid_reset_token');
      await expect(login(t, account.email, 'the first new passphrase')).resolves.toBeDefined();
    });

    it('a password change voids every outstanding reset token', async () => {
      const account = await register(t);
      const [token] = (await resetTokensOf(account.email, 1)) as [string];
      const changed = await t.request('POST', '/api/v1/auth/change-password', {
        token: account.accessToken,
        body: { currentPassword: DEFAULT_PASSWORD, newPassword: 'a changed passphrase' },
      });
      expect(changed.status).toBe(204);
      const late = await confirm(token, 'the attacker passphrase');
      expect(late.status).toBe(400);
      expect(late.body.code).toBe('auth.invalid_reset_token');
      await expect(login(t, account.email, 'a changed passphrase')).resolves.toBeDefined();
    });
  });

  it('lets the dashboard origin PATCH, PUT and DELETE (CORS preflight)', async () => {
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      const preflight = await t.request('OPTIONS', '/api/v1/chatbots/0193e7a2-5b1c-7d4e-8f00-1234567890ab', {
        headers: {
          origin: 'https://dashboard.example',
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization,content-type,if-match',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://dashboard.example');
      expect(preflight.headers.get('access-control-allow-methods')?.split(/,\s*/)).toContain(method);
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    }
    // Other origins still get nothing.
    const stranger = await t.request('OPTIONS', '/api/v1/chatbots', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  describe('slow clients', () => {
    /** Sends `data` on a raw socket and resolves with what came back once the server closed it. */
    const sendRaw = (data: string, giveUpMs: number) =>
      new Promise<{ answer: string; closedAfterMs: number }>((resolve, reject) => {
        const { port, hostname } = new URL(t.url);
        const started = Date.now();
        const socket = connect(Number(port), hostname, () => socket.write(data));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearTimeout(timer);
          resolve({ answer, closedAfterMs: Date.now() - started });
        });
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`still open after ${giveUpMs} ms; got ${JSON.stringify(answer)}`));
        }, giveUpMs);
      });

    it('answers 408 and closes when the body never arrives', async () => {
      const { answer, closedAfterMs } = await sendRaw(
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em',
        6_000,
      );
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
      expect(closedAfterMs).toBeLessThan(4_000);
    });

    it('answers 408 and closes when the headers never end', async () => {
      const { answer, closedAfterMs } = await sendRaw('GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: a', 6_000);
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
      expect(closedAfterMs).toBeLessThan(4_000);
    });
  });

  it('marks every response carrying a credential no-store', async () => {
    const noStore = (res: { headers: Headers }) => ({
      cacheControl: res.headers.get('cache-control'),
      pragma: res.headers.get('pragma'),
    });
    const expected = { cacheControl: 'no-store', pragma: 'no-cache' };
    const email = `nostore.${Date.now()}@example.com`;
    const registered = await t.request('POST', '/api/v1/auth/register', {
      body: { email, password: DEFAULT_PASSWORD, name: 'No Store', organizationName: 'No Store Inc' },
    });
    expect(registered.status).toBe(201);
    expect(noStore(registered)).toEqual(expected);
    const loggedIn = await t.request('POST', '/api/v1/auth/login', { body: { email, password: DEFAULT_PASSWORD } });
    expect(noStore(loggedIn)).toEqual(expected);
    const refreshed = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: loggedIn.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(noStore(refreshed)).toEqual(expected);
    const token = registered.body.accessToken as string;
    const key = await t.request('POST', '/api/v1/api-keys', { token, body: { name: 'ci', role: 'viewer' } });
    expect(key.status).toBe(201);
    expect(noStore(key)).toEqual(expected);
    const invitation = await t.request('POST', '/api/v1/invitations', {
      token,
      body: { email: `invitee.${Date.now()}@example.com`, role: 'agent' },
    });
    expect(invitation.status).toBe(201);
    expect(noStore(invitation)).toEqual(expected);
    expect(
      noStore(await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email: 'x@example.com' } })),
    ).toEqual(expected);
    expect(
      noStore(
        await t.request('POST', '/api/v1/auth/password-reset/confirm', {
          body: { token: 'pwr_unknown', newPassword: 'whatever passphrase' },
        }),
      ),
    ).toEqual(expected);

    // Visitor chats: the start answer carries the visitor's session token.
    const bot = await t.request('POST', '/api/v1/chatbots', {
      token,
      body: { name: 'Leads', templateId: 'lead-capture' },
    });
    expect(bot.status).toBe(201);
    expect((await t.request('POST', `/api/v1/chatbots/${bot.body.id}/publish`, { token, body: {} })).status).toBe(201);
    const started = await t.request('POST', `/api/v1/bots/${bot.body.publicId}/sessions`, { body: {} });
    expect(started.status).toBe(201);
    expect(noStore(started)).toEqual(expected);
    const typebot = await t.request('POST', `/api/v1/typebots/${bot.body.publicId}/startChat`, { body: {} });
    expect(typebot.status).toBe(200);
    expect(noStore(typebot)).toEqual(expected);

    // Ordinary reads are not affected.
    expect((await t.request('GET', '/api/v1/auth/me', { token })).headers.get('pragma')).toBeNull();
  });
});

describe('a worker killed mid-job', () => {
  const settings = { QUEUE_LOCK_DURATION_MS: '2000', QUEUE_STALLED_INTERVAL_MS: '1000' };

  it('has its job picked up by another worker within a few seconds', async () => {
    if (!existsSync(join(repoRoot, 'dist/src/main.js'))) throw new Error('Run `npm run build` first (npm test does).');
    const database = await createTestDatabase();
    const prefix = `stall${process.pid}${Date.now().toString(36)}`;
    const stuck = spawnParley(
      {
        PORT: '0',
        LOG_LEVEL: 'info',
        APP_ROLE: 'worker',
        DATABASE_URL: databaseUrl(database),
        DATABASE_MIGRATE_ON_BOOT: 'false',
        REDIS_URL: testRedisUrl,
        REDIS_KEY_PREFIX: prefix,
        JWT_SECRET: 'stall-test-secret-that-is-long-enough-0123456789',
        ...settings,
      },
      'test/fixtures/stuck-worker.js',
    );
    const queue = new Queue('system', { connection: { url: testRedisUrl }, prefix });
    let rescuer: TestApp | undefined;
    try {
      await stuck.url;
      const job = await queue.add('ping', { organizationId: null, sentAt: new Date().toISOString(), echo: 'hang' });
      await stuck.printed(`job ${job.id} started`);
      stuck.child.kill('SIGKILL');
      await stuck.exit;
      const killedAt = Date.now();

      rescuer = await startTestApp({ APP_ROLE: 'worker', REDIS_KEY_PREFIX: prefix, ...settings });
      await withQueueEvents(rescuer, 'system', async (events) => {
        expect(await job.waitUntilFinished(events, 20_000)).toMatchObject({ pong: true, echo: 'hang' });
      });
      expect(Date.now() - killedAt).toBeLessThan(10_000);
    } finally {
      stuck.child.kill('SIGKILL');
      await rescuer?.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await dropTestDatabase(database);
    }
  }, 40_000);
});
