import { register } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * A rollback holds the chatbot's row lock in a transaction; reading the old version on another
 * pooled connection made concurrent rollbacks wait for each other's connections until the pool
 * timed out (500). Found by the fuzz test.
 */
describe('concurrent rollbacks on a small pool', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DATABASE_POOL_SIZE: '2' });
  });
  afterAll(() => t.close());

  it('all succeed instead of starving the pool', async () => {
    const admin = await register(t);
    const as = { token: admin.accessToken };
    const bot = await t.request('POST', '/api/v1/chatbots', {
      ...as,
      body: { name: 'Pool', templateId: 'lead-capture' },
    });
    await t.request('POST', `/api/v1/chatbots/${bot.body.id}/publish`, { ...as, body: {} });
    const rollbacks = await Promise.all(
      Array.from({ length: 4 }, () =>
        t.request('POST', `/api/v1/chatbots/${bot.body.id}/versions/1/rollback`, { ...as, body: {} }),
      ),
    );
    expect(rollbacks.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const versions = await t.request('GET', `/api/v1/chatbots/${bot.body.id}/versions`, as);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([5, 4, 3, 2, 1]);
  });
});
