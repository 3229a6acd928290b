import { register, uniqueEmail } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

describe('sign-in throttling', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ LOGIN_THROTTLE_LIMIT: '3', LOGIN_THROTTLE_TTL_SECONDS: '60' });
    // A second API process sharing Redis (same key prefix): limits must hold across processes.
    b = await startTestApp({
      LOGIN_THROTTLE_LIMIT: '3',
      LOGIN_THROTTLE_TTL_SECONDS: '60',
      REDIS_KEY_PREFIX: a.config.redis.keyPrefix,
    });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const attempt = (t: TestApp, email: string, password = 'wrong password!', ip = '203.0.113.1') =>
    t.request('POST', '/api/v1/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

  it('limits attempts per account across processes, with a 429 problem and Retry-After', async () => {
    const email = uniqueEmail('target');
    expect((await attempt(a, email)).status).toBe(401);
    expect((await attempt(b, email)).status).toBe(401);
    expect((await attempt(a, email)).status).toBe(401);
    const blocked = await attempt(b, email);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(blocked.body.code).toBe('auth.too_many_attempts');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another account is not affected by that account's counter.
    const account = await register(a);
    expect((await attempt(a, account.email, account.password)).status).toBe(200);
  });

  it('limits attempts per IP across accounts', async () => {
    // The IP limit is 3x the account limit; the client IP is the socket address (TRUST_PROXY off).
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await attempt(a, uniqueEmail(`spray${i}`))).status);
    expect(statuses).toContain(429);
    expect(statuses.indexOf(429)).toBeGreaterThan(0);
  });

  describe('behind a proxy (TRUST_PROXY: one client IP per X-Forwarded-For)', () => {
    let p: TestApp;
    beforeAll(async () => {
      p = await startTestApp({
        TRUST_PROXY: 'true',
        LOGIN_THROTTLE_LIMIT: '3',
        LOGIN_THROTTLE_ACCOUNT_LIMIT: '8',
        LOGIN_THROTTLE_TTL_SECONDS: '60',
      });
    });
    afterAll(() => p.close());

    it("a stranger's wrong passwords block the stranger, not the account's owner", async () => {
      const owner = await register(p);
      const stranger = '198.51.100.7';
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await attempt(p, owner.email, 'wrong password!', stranger)).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // The owner, from their own IP, signs in.
      expect((await attempt(p, owner.email, owner.password, '192.0.2.10')).status).toBe(200);
    });

    it('has a higher account-wide ceiling for guesses from many IPs', async () => {
      const owner = await register(p);
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++)
        statuses.push((await attempt(p, owner.email, 'wrong password!', `203.0.113.${i + 10}`)).status);
      // Each IP stays under its own limit of 3; the account counts all of them and stops at 8.
      expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
      expect(statuses.slice(8)).toEqual([429, 429]);
    });
  });
});
