import * as argon2 from 'argon2';
import { SignJWT } from 'jose';
import { DEFAULT_PASSWORD, login, register, uniqueEmail } from './support/identity';
import { outboxEvents } from './support/outbox';
import { startTestApp, type TestApp } from './support/test-app';

const JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

describe('local accounts: register, login, tokens, sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('register', () => {
    it('creates the user, an organization and an org_admin membership, stored with argon2id', async () => {
      const email = uniqueEmail('Ada');
      const res = await t.request('POST', '/api/v1/auth/register', {
        body: { email: email.toUpperCase(), password: DEFAULT_PASSWORD, name: 'Ada', organizationName: 'Acme Support' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        user: { email: email.toLowerCase(), name: 'Ada', superAdmin: false },
        organization: { name: 'Acme Support' },
      });
      expect(res.body.organization.slug).toMatch(/^acme-support/);
      expect(res.body.refreshToken).toMatch(/^rt_/);
      const [row] = await t.sql<{ password_hash: string; role: string }>(
        `SELECT u.password_hash, m.role FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = $1`,
        [email.toLowerCase()],
      );
      expect(row?.role).toBe('org_admin');
      expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$/);
      expect(row?.password_hash.split('$')[3]?.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
      expect(res.text).not.toContain('password');
    });

    it('answers 409 for an email that is taken, whatever its case', async () => {
      const account = await register(t);
      const res = await t.request('POST', '/api/v1/auth/register', {
        body: {
          email: account.email.toUpperCase(),
          password: DEFAULT_PASSWORD,
          name: 'Other',
          organizationName: 'Other',
        },
      });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('auth.email_taken');
    });

    it('refuses weak passwords and missing fields with the fields named', async () => {
      const weak = await t.request('POST', '/api/v1/auth/register', {
        body: { email: uniqueEmail(), password: 'password123', name: 'X', organizationName: 'Org' },
      });
      expect(weak.status).toBe(400);
      expect(weak.body.errors).toEqual([
        { field: 'password', message: 'password is too common; choose a less guessable password' },
      ]);
      const missing = await t.request('POST', '/api/v1/auth/register', { body: { email: 'nope', password: 'x' } });
      expect(missing.status).toBe(400);
      expect([...new Set(missing.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
        'email',
        'name',
        'organizationName',
      ]);
    });
  });

  describe('login', () => {
    it('signs in and answers the same 401 for a wrong password and an unknown email', async () => {
      const account = await register(t);
      const ok = await t.request('POST', '/api/v1/auth/login', {
        body: { email: account.email, password: DEFAULT_PASSWORD },
      });
      expect(ok.status).toBe(200);
      expect(ok.body.user.email).toBe(account.email);

      const wrong = await t.request('POST', '/api/v1/auth/login', {
        body: { email: account.email, password: 'not the password' },
      });
      const unknown = await t.request('POST', '/api/v1/auth/login', {
        body: { email: uniqueEmail('ghost'), password: 'not the password' },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect({ ...wrong.body, requestId: null }).toEqual({ ...unknown.body, requestId: null });
    });

    it('rehashes a password stored with older parameters on login', async () => {
      const account = await register(t);
      const old = await argon2.hash(DEFAULT_PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 3 });
      await t.sql('UPDATE users SET password_hash = $1 WHERE id = $2', [old, account.userId]);
      await login(t, account.email);
      const [row] = await t.sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [
        account.userId,
      ]);
      expect(row?.password_hash).not.toBe(old);
      expect(row?.password_hash.split('$')[3]?.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    });
  });

  describe('me', () => {
    it('returns the user and memberships with roles', async () => {
      const account = await register(t, { organizationName: 'Me Org' });
      const res = await t.request('GET', '/api/v1/auth/me', { token: account.accessToken });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        via: 'local',
        user: { id: account.userId, email: account.email },
        memberships: [{ organization: { id: account.organizationId, name: 'Me Org' }, role: 'org_admin' }],
      });
    });

    it('refuses missing, malformed, tampered, expired and foreign tokens', async () => {
      const account = await register(t);
      expect((await t.request('GET', '/api/v1/auth/me')).status).toBe(401);
      const malformed = await t.request('GET', '/api/v1/auth/me', { headers: { authorization: 'Basic abc' } });
      expect(malformed.status).toBe(401);
      const [h, p, s] = account.accessToken.split('.');
      const tampered = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
      expect((await t.request('GET', '/api/v1/auth/me', { token: tampered })).body.code).toBe('auth.invalid_token');

      const secret = new TextEncoder().encode(JWT_SECRET);
      const expired = await new SignJWT({ sid: 'x' })
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .setIssuer('parley')
        .setSubject(account.userId)
        .setJti('j')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(secret);
      const res = await t.request('GET', '/api/v1/auth/me', { token: expired });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('auth.token_expired');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);

      const foreign = await new SignJWT({ sid: 'x' })
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .setIssuer('https://evil.example')
        .setSubject(account.userId)
        .setJti('j')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(secret);
      expect((await t.request('GET', '/api/v1/auth/me', { token: foreign })).body.code).toBe('auth.unknown_issuer');
    });
  });

  describe('refresh tokens', () => {
    it('rotates on every use', async () => {
      const account = await register(t);
      const first = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: account.refreshToken } });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(account.refreshToken);
      expect((await t.request('GET', '/api/v1/auth/me', { token: first.body.accessToken })).status).toBe(200);
      const second = await t.request('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: first.body.refreshToken },
      });
      expect(second.status).toBe(200);
    });

    it('revokes the whole family when a used token comes back, and denies its access tokens', async () => {
      const account = await register(t);
      const rotated = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: account.refreshToken } });
      // The old token is presented again (stolen copy): the session ends for everybody.
      const reuse = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: account.refreshToken } });
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('auth.refresh_token_reused');
      const legit = await t.request('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: rotated.body.refreshToken },
      });
      expect(legit.status).toBe(401);
      expect(legit.body.code).toBe('auth.refresh_token_revoked');
      const me = await t.request('GET', '/api/v1/auth/me', { token: rotated.body.accessToken });
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('auth.session_ended');
      const rows = await t.sql<{ revoked_reason: string }>(
        'SELECT DISTINCT revoked_reason FROM refresh_tokens WHERE user_id = $1',
        [account.userId],
      );
      expect(rows).toEqual([{ revoked_reason: 'reuse_detected' }]);
    });

    it('refuses unknown and expired refresh tokens', async () => {
      const unknown = await t.request('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: 'rt_not-a-real-token-at-all' },
      });
      expect(unknown.status).toBe(401);
      const account = await register(t);
      await t.sql(`UPDATE refresh_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [
        account.userId,
      ]);
      const expired = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: account.refreshToken } });
      expect(expired.body.code).toBe('auth.refresh_token_expired');
    });
  });

  describe('logout', () => {
    it('refuses the old access token and refresh token afterwards', async () => {
      const account = await register(t);
      expect((await t.request('POST', '/api/v1/auth/logout', { token: account.accessToken })).status).toBe(204);
      const me = await t.request('GET', '/api/v1/auth/me', { token: account.accessToken });
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('auth.session_ended');
      const refresh = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: account.refreshToken } });
      expect(refresh.status).toBe(401);
    });

    it('leaves the other sessions of the user alone', async () => {
      const account = await register(t);
      const other = await login(t, account.email);
      await t.request('POST', '/api/v1/auth/logout', { token: account.accessToken });
      expect((await t.request('GET', '/api/v1/auth/me', { token: other.accessToken })).status).toBe(200);
    });
  });

  describe('change password', () => {
    it('requires the current password, applies the policy, and ends the other sessions', async () => {
      const account = await register(t);
      const other = await login(t, account.email);
      const wrong = await t.request('POST', '/api/v1/auth/change-password', {
        token: account.accessToken,
        body: { currentPassword: 'nope nope nope', newPassword: 'a brand new passphrase' },
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual([{ field: 'currentPassword', message: 'currentPassword is wrong' }]);
      const weak = await t.request('POST', '/api/v1/auth/change-password', {
        token: account.accessToken,
        body: { currentPassword: DEFAULT_PASSWORD, newPassword: 'short' },
      });
      expect(weak.body.errors[0].field).toBe('newPassword');

      const ok = await t.request('POST', '/api/v1/auth/change-password', {
        token: account.accessToken,
        body: { currentPassword: DEFAULT_PASSWORD, newPassword: 'a brand new passphrase' },
      });
      expect(ok.status).toBe(204);
      expect((await t.request('GET', '/api/v1/auth/me', { token: account.accessToken })).status).toBe(200);
      expect((await t.request('GET', '/api/v1/auth/me', { token: other.accessToken })).status).toBe(401);
      expect(
        (await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: other.refreshToken } })).status,
      ).toBe(401);
      await expect(login(t, account.email)).rejects.toThrow(/401/);
      await expect(login(t, account.email, 'a brand new passphrase')).resolves.toBeDefined();
    });
  });

  describe('password reset', () => {
    it('emails a single-use token that sets a new password and ends every session', async () => {
      const account = await register(t);
      const events = async () =>
        (await outboxEvents(t, 'auth.password_reset_requested')).filter((e) => e.data.userId === account.userId);

      const unknown = await t.request('POST', '/api/v1/auth/password-reset/request', {
        body: { email: uniqueEmail() },
      });
      expect(unknown.status).toBe(202);
      expect(await outboxEvents(t, 'auth.password_reset_requested')).toHaveLength(0);

      const res = await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email: account.email } });
      expect(res.status).toBe(202);
      const [event, ...more] = await events();
      expect(more).toHaveLength(0);
      const token = event!.data.token;
      expect(token).toMatch(/^pwr_/);
      expect(event).toMatchObject({ organizationId: null, data: { email: account.email, userId: account.userId } });

      const confirm = await t.request('POST', '/api/v1/auth/password-reset/confirm', {
        body: { token, newPassword: 'reset to this passphrase' },
      });
      expect(confirm.status).toBe(204);
      expect((await t.request('GET', '/api/v1/auth/me', { token: account.accessToken })).status).toBe(401);
      await expect(login(t, account.email, 'reset to this passphrase')).resolves.toBeDefined();

      const again = await t.request('POST', '/api/v1/auth/password-reset/confirm', {
        body: { token, newPassword: 'another passphrase here' },
      });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('auth.invalid_reset_token');
    });
  });
});
