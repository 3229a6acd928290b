import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { FakeKeycloak } from './support/fake-keycloak';
import { type Account, login, register } from './support/identity';
import { RedisServer } from './support/redis-server';
import { idleQuestionFlow } from './support/flows';
import { startTestApp, type TestApp, type TestResponse } from './support/test-app';

/** A flow whose first input has an idle event, so every turn schedules a job in Redis. */
const idleFlow = idleQuestionFlow();

const expectRedisUnavailable = (res: TestResponse): void => {
  expect([res.status, res.headers.get('content-type'), res.headers.get('retry-after')]).toEqual([
    503,
    expect.stringMatching(/^application\/problem\+json\b/),
    '5',
  ]);
  expect(res.body).toMatchObject({ status: 503, code: 'dependency.unavailable', dependency: 'redis' });
};

/** Retries `check` until it holds (the app reconnects to Redis on its own, in the background). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting until ${what}`);
}

/**
 * The app against a redis-server of the test's own, killed (an outage) and restarted empty. Every
 * request made "while Redis is down" is awaited before Redis is restarted: a request that waited for
 * Redis would never return and fail the test by its timeout.
 */
describe('Redis outage', () => {
  let redis: RedisServer;
  let kc: FakeKeycloak;
  let t: TestApp;
  /** A second process on the same Redis and database, with the visitor rate limits on. */
  let limited: TestApp;
  let alice: Account; // stays signed in throughout
  let bob: Account; // logs out before the outage
  let carol: Account; // logs out during the outage
  let bot: { publicId: string };
  const kcSessionEndedBefore = { sessionId: randomUUID(), subject: randomUUID(), token: '' };
  const kcUserLoggedOutDuring = { subject: randomUUID(), token: '', userId: '' };

  const me = (token: string) => t.request('GET', '/api/v1/auth/me', { token });
  const startSession = () =>
    t.request<{ sessionId: string; sessionToken: string; messages: { markdown?: string }[] }>(
      'POST',
      `/api/v1/bots/${bot.publicId}/sessions`,
      { body: {} },
    );
  const backchannelLogout = async (claims: { sessionId?: string | null; subject: string }) =>
    t.request('POST', '/api/v1/auth/keycloak/backchannel-logout', {
      rawBody: new URLSearchParams({ logout_token: await kc.mintLogoutToken(claims) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  beforeAll(async () => {
    redis = await RedisServer.start();
    kc = new FakeKeycloak({ realm: 'acme', clientId: 'parley-dashboard', audience: 'parley-api' });
    const endpoints = await kc.start();
    t = await startTestApp({
      REDIS_URL: redis.url,
      KEYCLOAK_ISSUER: endpoints.issuer,
      KEYCLOAK_JWKS_URL: endpoints.jwksUrl,
      KEYCLOAK_AUDIENCE: endpoints.audience,
      KEYCLOAK_CLIENT_ID: endpoints.clientId,
      // Visitor rate limits (counters in Redis) off, so a visitor's turn reaches the idle job.
      CHAT_START_LIMIT_PER_IP: '0',
      CHAT_START_LIMIT_PER_BOT: '0',
      CHAT_MESSAGE_LIMIT_PER_IP: '0',
      CHAT_MESSAGE_LIMIT_PER_SESSION: '0',
    });
    limited = await startTestApp({
      REDIS_URL: redis.url,
      DATABASE_URL: t.config.database.url,
      REDIS_KEY_PREFIX: t.config.redis.keyPrefix,
    });
    alice = await register(t);
    bob = await register(t);
    carol = await register(t);
    const created = await t.request('POST', '/api/v1/chatbots', {
      token: alice.accessToken,
      body: { name: 'idle', flow: idleFlow },
    });
    expect(created.status).toBe(201);
    const published = await t.request('POST', `/api/v1/chatbots/${created.body.id}/publish`, {
      token: alice.accessToken,
      body: {},
    });
    expect(published.status).toBe(201);
    bot = created.body;

    // Sign-outs while Redis is up: the cache knows them; Redis will forget them.
    expect((await t.request('POST', '/api/v1/auth/logout', { token: bob.accessToken })).status).toBe(204);
    kcSessionEndedBefore.token = await kc.mintAccessToken(kcSessionEndedBefore);
    expect((await me(kcSessionEndedBefore.token)).status).toBe(200);
    expect((await backchannelLogout(kcSessionEndedBefore)).status).toBe(200);
    kcUserLoggedOutDuring.token = await kc.mintAccessToken(kcUserLoggedOutDuring);
    const kcUser = await me(kcUserLoggedOutDuring.token);
    expect(kcUser.status).toBe(200);
    kcUserLoggedOutDuring.userId = kcUser.body.user.id;
    for (const token of [bob.accessToken, kcSessionEndedBefore.token]) {
      expect((await me(token)).body.code).toBe('auth.session_ended');
    }
  });

  afterAll(async () => {
    if (!redis.running) await redis.restart();
    await limited?.close();
    await t?.close();
    await kc?.stop();
    await redis.kill();
  });

  describe('while Redis is down', () => {
    beforeAll(() => redis.kill());

    it('authenticates JWT requests from PostgreSQL, still refusing ended sessions', async () => {
      const res = await me(alice.accessToken);
      expect([res.status, res.body.user?.email]).toEqual([200, alice.email]);
      for (const token of [bob.accessToken, kcSessionEndedBefore.token]) {
        const refused = await me(token);
        expect([refused.status, refused.body.code]).toEqual([401, 'auth.session_ended']);
      }
      expect(redis.running).toBe(false);
    });

    it('answers login, register and refresh with 503 dependency.unavailable and Retry-After', async () => {
      expectRedisUnavailable(
        await t.request('POST', '/api/v1/auth/login', { body: { email: alice.email, password: alice.password } }),
      );
      expectRedisUnavailable(
        await t.request('POST', '/api/v1/auth/register', {
          body: { email: `x.${randomUUID()}@example.com`, password: alice.password, name: 'X', organizationName: 'X' },
        }),
      );
      expectRedisUnavailable(
        await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: alice.refreshToken } }),
      );
      expect(redis.running).toBe(false);
    });

    it('logs out (local and Keycloak back channel), and the ended sessions are refused at once', async () => {
      expect((await t.request('POST', '/api/v1/auth/logout', { token: carol.accessToken })).status).toBe(204);
      expect((await me(carol.accessToken)).body.code).toBe('auth.session_ended');
      const logout = await backchannelLogout({ sessionId: null, subject: kcUserLoggedOutDuring.subject });
      expect(logout.status).toBe(200);
      expect((await me(kcUserLoggedOutDuring.token)).body.code).toBe('auth.session_ended');
      expect(redis.running).toBe(false);
    });

    it('starts a session on a flow with an idle event, and takes a reply (the idle job is skipped)', async () => {
      const started = await startSession();
      expect(started.status).toBe(201);
      expect(started.body.messages.map((m) => m.markdown)).toEqual(['Anything to add?']);
      const replied = await t.request('POST', `/api/v1/sessions/${started.body.sessionId}/messages`, {
        token: started.body.sessionToken,
        body: { clientMessageId: 'm1', text: 'hello' },
      });
      expect([replied.status, replied.body.messages?.[0]?.markdown]).toEqual([200, 'Got it: hello']);
      expect(redis.running).toBe(false);
    });

    it('answers visitors 503 with Retry-After where the visitor rate limits are on', async () => {
      expectRedisUnavailable(await limited.request('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} }));
      expect(redis.running).toBe(false);
    });
  });

  describe('after Redis restarts empty', () => {
    beforeAll(async () => {
      await redis.restart();
      const queue = t.app.get<Queue>(getQueueToken('executions'));
      await until('the app reconnected to Redis', async () => {
        const ready = await t.request('GET', '/health/ready');
        return ready.status === 200 && (await queue.getBackend().client).status === 'ready';
      });
    });

    it('has written to Redis the sign-outs it could not cache during the outage', async () => {
      // Before any request asks: the app replays them when it reconnects.
      const [carolSession] = await t.sql<{ family_id: string }>(
        'SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = $1',
        [carol.userId],
      );
      const client = new Redis(redis.url);
      try {
        const prefix = `${t.config.redis.keyPrefix}:app:auth`;
        expect(
          await client.mget(
            `${prefix}:denied-session:${carolSession!.family_id}`,
            `${prefix}:user-logout:${kcUserLoggedOutDuring.userId}`,
          ),
        ).toEqual(['1', expect.stringMatching(/^\d+$/)]);
      } finally {
        client.disconnect();
      }
    });

    it('still refuses every access token whose session ended, before or during the outage', async () => {
      for (const token of [
        bob.accessToken,
        carol.accessToken,
        kcSessionEndedBefore.token,
        kcUserLoggedOutDuring.token,
      ]) {
        const res = await me(token);
        expect([res.status, res.body.code]).toEqual([401, 'auth.session_ended']);
      }
    });

    it('works again without a restart: JWTs, login, refresh, logout and idle jobs', async () => {
      expect((await me(alice.accessToken)).status).toBe(200);
      const again = await login(t, alice.email);
      const refreshed = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: again.refreshToken } });
      expect(refreshed.status).toBe(200);
      expect((await t.request('POST', '/api/v1/auth/logout', { token: refreshed.body.accessToken })).status).toBe(204);
      expect((await me(refreshed.body.accessToken)).body.code).toBe('auth.session_ended');
      expect((await me(alice.accessToken)).status).toBe(200);

      const started = await startSession();
      expect(started.status).toBe(201);
      const queue = t.app.get<Queue>(getQueueToken('executions'));
      expect(await queue.getJob(`idle-${started.body.sessionId}-1`)).toMatchObject({ name: 'idle' });
    });
  });
});
