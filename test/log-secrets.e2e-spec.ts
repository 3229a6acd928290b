import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { repoRoot, spawnParley, type SpawnedParley } from './support/process';
import { createTestDatabase, dropTestDatabase } from './support/test-app';
import { databaseUrl, testRedisUrl } from './support/test-env';

interface Res {
  status: number;
  body: any;
}

/**
 * Sends every kind of secret and personal value through the API of a real process (LOG_LEVEL=debug),
 * including the failure paths that used to log them (a 500 on register with the argon2id hash in
 * the SQL parameters and PostgreSQL's "Failing row contains (…)", a failed session save with the
 * visitor's answers), then greps everything the process printed.
 */
describe('logs carry no secrets or personal data', () => {
  let database: string;
  let pg: Client;
  let parley: SpawnedParley;
  let url: string;
  const secrets = new Map<string, string>();
  const keep = (what: string, value: unknown): void => {
    expect(typeof value).toBe('string');
    expect((value as string).length).toBeGreaterThan(8);
    secrets.set(what, value as string);
  };
  const rand = (): string => randomBytes(6).toString('hex');

  const call = async (method: string, path: string, body?: unknown, token?: string): Promise<Res> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text,
    };
  };

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'dist/src/main.js'))) throw new Error('Run `npm run build` first (npm test does).');
    database = await createTestDatabase();
    pg = new Client({ connectionString: databaseUrl(database) });
    await pg.connect();
    parley = spawnParley({
      PORT: '0',
      LOG_LEVEL: 'debug',
      APP_ROLE: 'all',
      DATABASE_URL: databaseUrl(database),
      DATABASE_MIGRATE_ON_BOOT: 'false',
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: `logs${process.pid}${rand()}`,
      JWT_SECRET: 'log-test-secret-that-is-long-enough-0123456789',
      EMBEDDED_DATABASE: 'never',
      EMBEDDED_REDIS: 'never',
    });
    url = await parley.url;
  });

  afterAll(async () => {
    parley?.child.kill('SIGKILL');
    await pg?.end();
    if (database) await dropTestDatabase(database);
  });

  it('never logs passwords, hashes, tokens, keys, emails or visitor answers', async () => {
    // --- Accounts: register, login, refresh, credentials in a query string.
    const email = `ada.${rand()}@example.com`;
    const password = `pw-${rand()}-correct horse`;
    keep('email', email);
    keep('password', password);
    const registered = await call('POST', '/api/v1/auth/register', {
      email,
      password,
      name: 'Ada Lovelace',
      organizationName: 'Analytical Engines',
    });
    expect(registered.status).toBe(201);
    keep('access token', registered.body.accessToken);
    keep('refresh token', registered.body.refreshToken);
    const access = registered.body.accessToken as string;
    const loggedIn = await call('POST', '/api/v1/auth/login', { email, password });
    expect(loggedIn.status).toBe(200);
    const refreshed = await call('POST', '/api/v1/auth/refresh', { refreshToken: loggedIn.body.refreshToken });
    expect(refreshed.status).toBe(200);
    keep('refreshed token', refreshed.body.refreshToken);
    const wrongPassword = `wrong-${rand()}-password`;
    keep('wrong password', wrongPassword);
    expect((await call('POST', '/api/v1/auth/login', { email, password: wrongPassword })).status).toBe(401);
    await call('GET', `/api/v1/auth/me?access_token=${access}&token=${registered.body.refreshToken}`);
    await call('GET', `/api/v1/nowhere/${registered.body.refreshToken}?api_key=${access}`);

    // --- API key and invitation (shown once).
    const key = await call('POST', '/api/v1/api-keys', { name: 'ci', role: 'org_admin' }, access);
    expect(key.status).toBe(201);
    keep('api key', key.body.key);
    const inviteEmail = `grace.${rand()}@example.com`;
    keep('invited email', inviteEmail);
    const invitation = await call('POST', '/api/v1/invitations', { email: inviteEmail, role: 'agent' }, access);
    expect(invitation.status).toBe(201);
    keep('invitation token', invitation.body.token);

    // --- Password reset with a token we plant (the process emails it, we cannot read it).
    const resetToken = `pwr_${randomBytes(32).toString('base64url')}`;
    keep('reset token', resetToken);
    await pg.query(
      `INSERT INTO password_reset_tokens (id, user_id, token_hash, expires_at)
       VALUES (gen_random_uuid(), $1, $2, now() + interval '1 hour')`,
      [registered.body.user.id, createHash('sha256').update(resetToken).digest('hex')],
    );
    expect((await call('POST', '/api/v1/auth/password-reset/request', { email })).status).toBe(202);
    await call('GET', `/api/v1/auth/password-reset/confirm?token=${resetToken}`);
    const newPassword = `new-${rand()}-passphrase`;
    keep('new password', newPassword);
    expect((await call('POST', '/api/v1/auth/password-reset/confirm', { token: resetToken, newPassword })).status).toBe(
      204,
    );
    const session = await call('POST', '/api/v1/auth/login', { email, password: newPassword });
    expect(session.status).toBe(200);
    const token = session.body.accessToken as string;

    // --- A 500 on register: a NOT NULL violation (the failing row holds the email and the hash)...
    await pg.query(`ALTER TABLE users ADD COLUMN sabotage text NOT NULL DEFAULT 'x'`);
    await pg.query(`ALTER TABLE users ALTER COLUMN sabotage DROP DEFAULT`);
    const victim = `victim.${rand()}@example.com`;
    const victimPassword = `hunter-${rand()}-staple battery`;
    keep('failed register email', victim);
    keep('failed register password', victimPassword);
    const notNull = await call('POST', '/api/v1/auth/register', {
      email: victim,
      password: victimPassword,
      name: 'Victim',
      organizationName: 'Victim Org',
    });
    // 500, unless a mapping of PostgreSQL errors answers 400: logged either way, and never the row.
    expect([400, 500]).toContain(notNull.status);
    await pg.query(`ALTER TABLE users DROP COLUMN sabotage`);

    // ...and an internal error raised by the database with the row in its DETAIL.
    await pg.query(`
      CREATE FUNCTION sabotage() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'sabotaged write' USING ERRCODE = 'XX000', DETAIL = 'Failing row contains ' || row_to_json(NEW)::text;
      END $$`);
    await pg.query(`CREATE TRIGGER sabotage BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION sabotage()`);
    const victim2 = `victim2.${rand()}@example.com`;
    keep('failed register email (2)', victim2);
    const raised = await call('POST', '/api/v1/auth/register', {
      email: victim2,
      password: victimPassword,
      name: 'Victim Two',
      organizationName: 'Victim Org',
    });
    expect(raised.status).toBe(500);
    await pg.query(`DROP TRIGGER sabotage ON users`);

    // --- Visitor chats: the Typebot route carries the session token in its path.
    const bot = await call('POST', '/api/v1/chatbots', { name: 'Leads', templateId: 'lead-capture' }, token);
    expect(bot.status).toBe(201);
    expect((await call('POST', `/api/v1/chatbots/${bot.body.id}/publish`, {}, token)).status).toBe(201);
    const started = await call('POST', `/api/v1/typebots/${bot.body.publicId}/startChat`, {});
    expect(started.status).toBe(200);
    const sessionToken = started.body.sessionId as string;
    keep('visitor session token', sessionToken);
    const name = `Visitor${rand()}`;
    keep('visitor answer', name);
    expect((await call('POST', `/api/v1/sessions/${sessionToken}/continueChat`, { message: name })).status).toBe(200);

    // A failed session save: the UPDATE's parameters and the failing row hold the whole state.
    await pg.query(`CREATE TRIGGER sabotage BEFORE UPDATE ON chat_sessions FOR EACH ROW EXECUTE FUNCTION sabotage()`);
    const visitorEmail = `visitor.${rand()}@example.com`;
    keep('visitor email answer', visitorEmail);
    const failedSave = await call('POST', `/api/v1/sessions/${sessionToken}/continueChat`, { message: visitorEmail });
    expect(failedSave.status).toBe(500);
    await pg.query(`DROP TRIGGER sabotage ON chat_sessions`);

    // The native chat route (token in the Authorization header).
    const native = await call('POST', `/api/v1/bots/${bot.body.publicId}/sessions`, {});
    expect(native.status).toBe(201);
    keep('native session token', native.body.sessionToken);
    await call(
      'POST',
      `/api/v1/sessions/${native.body.sessionId}/messages`,
      { clientMessageId: 'm1', text: name },
      native.body.sessionToken,
    );

    // Let the last lines reach stdout, then stop.
    await new Promise((resolve) => setTimeout(resolve, 300));
    parley.child.kill('SIGTERM');
    await parley.exit;
    const output = parley.output();

    const leaks = [...secrets].filter(([, value]) => output.includes(value)).map(([what]) => what);
    expect(leaks).toEqual([]);
    expect(output).not.toContain('$argon2');
    expect(output).not.toContain('Failing row');
    expect(output).not.toContain('"parameters"');

    // The failures were logged (so this test sees the lines it is about), with what explains them.
    expect(output).toContain('"level":50');
    expect(output).toContain('sabotaged write');
    expect(output).toContain('QueryFailedError');
    expect(output).toContain('/api/v1/sessions/[redacted]/continueChat');
  });
});
