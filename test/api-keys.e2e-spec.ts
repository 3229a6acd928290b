import { addMember, register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

describe('API keys', () => {
  let t: TestApp;
  let admin: Account;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t);
  });
  afterAll(() => t.close());

  const createKey = (body: Record<string, unknown>, token = admin.accessToken) =>
    t.request('POST', '/api/v1/api-keys', { token, body });

  it('creates a key shown once, stored hashed, listed without its secret', async () => {
    const res = await createKey({ name: 'CRM sync', role: 'agent' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'CRM sync', role: 'agent', revokedAt: null, lastUsedAt: null });
    expect(res.body.key).toMatch(/^pk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(res.body.key.startsWith(res.body.prefix)).toBe(true);

    const [row] = await t.sql<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [res.body.id]);
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.key_hash).not.toContain(res.body.key);

    const list = await t.request('GET', '/api/v1/api-keys', { token: admin.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.items.map((k: { id: string }) => k.id)).toContain(res.body.id);
    expect(list.text).not.toContain(res.body.key);
  });

  it('authenticates as Bearer or X-Api-Key with the role it was given, and records its use', async () => {
    const { body: key } = await createKey({ name: 'viewer key', role: 'viewer' });
    const asBearer = await t.request('GET', '/api/v1/members', { token: key.key });
    expect(asBearer.status).toBe(200);
    const asHeader = await t.request('GET', '/api/v1/organizations/current', { headers: { 'x-api-key': key.key } });
    expect(asHeader.status).toBe(200);
    expect(asHeader.body.id).toBe(admin.organizationId);

    // A viewer key cannot write, and no key is a user.
    const write = await t.request('POST', '/api/v1/departments', { token: key.key, body: { name: 'Nope' } });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('auth.insufficient_role');
    const me = await t.request('GET', '/api/v1/auth/me', { token: key.key });
    expect(me.status).toBe(403);
    expect(me.body.code).toBe('auth.user_required');

    const [row] = await t.sql<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_keys WHERE id = $1', [
      key.id,
    ]);
    expect(row?.last_used_at).not.toBeNull();
  });

  it('refuses revoked, expired, malformed and forged keys', async () => {
    const { body: revoked } = await createKey({ name: 'to revoke', role: 'agent' });
    expect((await t.request('DELETE', `/api/v1/api-keys/${revoked.id}`, { token: admin.accessToken })).status).toBe(
      204,
    );
    const afterRevoke = await t.request('GET', '/api/v1/members', { token: revoked.key });
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.code).toBe('auth.api_key_revoked');

    const { body: expiring } = await createKey({ name: 'expiring', role: 'agent' });
    await t.sql(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.id]);
    expect((await t.request('GET', '/api/v1/members', { token: expiring.key })).body.code).toBe('auth.api_key_expired');

    expect((await t.request('GET', '/api/v1/members', { headers: { 'x-api-key': 'pk_nope' } })).status).toBe(401);
    const forged = `${expiring.prefix}_${'A'.repeat(43)}`;
    expect((await t.request('GET', '/api/v1/members', { token: forged })).body.code).toBe('auth.invalid_api_key');
  });

  it('validates input: role, name and a future expiry', async () => {
    const res = await createKey({ name: '', role: 'super_admin', expiresAt: '2000-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['expiresAt', 'name', 'role']);
  });

  it('is managed by org_admin only', async () => {
    const agent = await addMember(t, admin, 'agent');
    expect((await createKey({ name: 'x', role: 'viewer' }, agent.accessToken)).status).toBe(403);
    expect((await t.request('GET', '/api/v1/api-keys', { token: agent.accessToken })).status).toBe(403);
  });

  it("cannot touch another organization's keys, and its keys stay in their organization", async () => {
    const other = await register(t);
    const { body: mine } = await createKey({ name: 'mine', role: 'org_admin' });
    const res = await t.request('DELETE', `/api/v1/api-keys/${mine.id}`, { token: other.accessToken });
    expect(res.status).toBe(404);
    const [row] = await t.sql<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1', [mine.id]);
    expect(row?.revoked_at).toBeNull();
    const cross = await t.request('GET', '/api/v1/members', { token: mine.key, organizationId: other.organizationId });
    expect(cross.status).toBe(403);
  });
});
