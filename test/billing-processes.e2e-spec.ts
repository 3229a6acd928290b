import { register } from './support/identity';
import { publishChatbot } from './support/chatbots';
import { type SpawnedParley, spawnParley } from './support/process';
import { databaseUrl, testRedisUrl } from './support/test-env';
import { startTestApp, type TestApp } from './support/test-app';
import { echoLoopFlow } from './support/flows';
import { outboxDrained } from './support/outbox';

/**
 * Usage metering across two operating-system processes: this test's app and a spawned Parley
 * (`dist/src/main.js`, `APP_ROLE=all`) on the same database and Redis prefix, each serving half of
 * the chat traffic and each running an outbox dispatcher that meters the batches it claims.
 */
describe('billing across two processes', () => {
  let t: TestApp;
  let other: SpawnedParley;
  let otherUrl: string;

  beforeAll(async () => {
    t = await startTestApp({ OUTBOX_POLL_INTERVAL_MS: '200' });
    other = spawnParley({
      PORT: '0',
      LOG_LEVEL: 'info',
      APP_ROLE: 'all',
      DATABASE_URL: databaseUrl(t.databaseName),
      DATABASE_MIGRATE_ON_BOOT: 'false',
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: t.config.redis.keyPrefix,
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
      OUTBOX_POLL_INTERVAL_MS: '200',
      CHAT_START_LIMIT_PER_IP: '1000000',
      CHAT_START_LIMIT_PER_BOT: '1000000',
      CHAT_MESSAGE_LIMIT_PER_IP: '1000000',
      CHAT_MESSAGE_LIMIT_PER_SESSION: '1000000',
    });
    otherUrl = await other.url;
  });
  afterAll(async () => {
    if (other && other.child.exitCode === null) {
      other.child.kill('SIGTERM');
      await other.exit;
    }
    await t?.close();
  });

  it('counts every session and message exactly once', async () => {
    const admin = await register(t);
    const bot = await publishChatbot(t, admin, { name: 'loop', flow: echoLoopFlow });
    const base = (i: number) => (i % 2 === 0 ? t.url : otherUrl);
    const post = async (url: string, body: unknown, token?: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { sessionId: string; sessionToken: string } };
    };
    const N = 60;
    const sessions = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const res = await post(`${base(i)}/api/v1/bots/${bot.publicId}/sessions`, {});
        expect(res.status).toBe(201);
        return res.body;
      }),
    );
    await Promise.all(
      sessions.map(async (s, i) => {
        const res = await post(
          `${base(i + 1)}/api/v1/sessions/${s.sessionId}/messages`,
          { clientMessageId: 'c1', text: 'hi' },
          s.sessionToken,
        );
        expect(res.status).toBe(200);
      }),
    );
    await outboxDrained(t);
    const usage = await t.request('GET', '/api/v1/billing/usage', { token: admin.accessToken });
    const used = Object.fromEntries(
      (usage.body.limits as { limit: string; used: number }[]).map((l) => [l.limit, l.used]),
    );
    // A bubble per start; the visitor's message and the echo per turn.
    expect([used.sessions, used.messages]).toEqual([N, N * 3]);
  });
});
