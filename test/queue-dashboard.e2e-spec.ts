import { queueNames } from '../src/queue/queue.registry';
import { addMember, login, register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

describe('queue dashboard (Bull Board at /admin/queues)', () => {
  let t: TestApp;
  let root: Account;
  let admin: Account;
  beforeAll(async () => {
    t = await startTestApp();
    const first = await register(t);
    await t.sql('UPDATE users SET super_admin = true WHERE id = $1', [first.userId]);
    root = await login(t, first.email); // a token minted after the flag is set
    admin = await register(t);
  });
  afterAll(() => t.close());

  it('shows every queue of the registry to a super admin', async () => {
    const page = await t.request('GET', '/admin/queues', { token: root.accessToken });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('Parley queues');

    const api = await t.request('GET', '/admin/queues/api/queues', { token: root.accessToken });
    expect(api.status).toBe(200);
    const names = (api.body.queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual([...queueNames].sort());
  });

  it('refuses an org_admin (403), an agent (403) and an anonymous caller (401), pages and API alike', async () => {
    const agent = await addMember(t, admin, 'agent');
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      for (const who of [admin, agent]) {
        const res = await t.request('GET', path, { token: who.accessToken });
        expect(res.status).toBe(403);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(res.body.code).toBe('admin.super_admin_required');
      }
      const anonymous = await t.request('GET', path);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('auth.unauthenticated');
    }
    const forged = await t.request('GET', '/admin/queues/api/queues', { token: 'not-a-token' });
    expect(forged.status).toBe(401);
  });

  it('lets a browser in with the session cookie, and only a super admin may get one', async () => {
    const refused = await t.request('POST', '/admin/queues/session', { token: admin.accessToken });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();

    const session = await t.request('POST', '/admin/queues/session', { token: root.accessToken });
    expect(session.status).toBe(204);
    const cookie = session.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^parley_queues=[^;]+; Path=\/admin\/queues; HttpOnly; SameSite=Strict/);

    const viaCookie = await t.request('GET', '/admin/queues/api/queues', {
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(viaCookie.status).toBe(200);
    const adminCookie = `parley_queues=${admin.accessToken}`;
    const asAdmin = await t.request('GET', '/admin/queues/api/queues', { headers: { cookie: adminCookie } });
    expect(asAdmin.status).toBe(403);
  });
});
