import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { HttpTarget } from './support/http-target';
import { repoRoot, spawnParley, type SpawnedParley } from './support/process';
import { SmtpReceiver } from './support/smtp-receiver';
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
  const target = new HttpTarget();
  const smtp = new SmtpReceiver({ auth: { user: 'mailer', pass: `smtp-${randomBytes(6).toString('hex')}` } });
  let targetUrl: string;
  let smtpUrl: string;
  const keyA = randomBytes(32).toString('hex');
  const keyB = randomBytes(32).toString('hex');
  const oauthAccessToken = `oat-${randomBytes(8).toString('hex')}`;
  let processEnv: Record<string, string>;

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
    targetUrl = (await target.start()).url;
    smtpUrl = (await smtp.start()).url;
    target.route('POST /oauth/token', (_req, res) =>
      HttpTarget.json(res, 200, { access_token: oauthAccessToken, expires_in: 3600 }),
    );
    target.route('/protected', (req, res) => HttpTarget.json(res, req.headers.authorization ? 200 : 401, {}));
    database = await createTestDatabase();
    pg = new Client({ connectionString: databaseUrl(database) });
    await pg.connect();
    parley = spawnParley(
      (processEnv = {
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
        ENCRYPTION_KEY: keyA,
        OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true',
        SMTP_URL: smtpUrl,
        WHATSAPP_GRAPH_URL: targetUrl,
      }),
    );
    url = await parley.url;
  });

  afterAll(async () => {
    await target.stop();
    await smtp.stop();
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

    // --- Connections: created with known secrets, tested, used by a flow, replaced, rotated.
    keep('oauth access token', oauthAccessToken);
    keep('smtp password', new URL(smtpUrl).password);
    const connectionSecrets: [string, Record<string, unknown>, Record<string, string>][] = [
      ['bearer', { testUrl: `${targetUrl}/protected` }, { token: `bearer-${rand()}` }],
      ['api_key', { queryParam: 'key', testUrl: `${targetUrl}/protected` }, { key: `apikey-${rand()}` }],
      ['basic', { username: 'ada', testUrl: `${targetUrl}/protected` }, { password: `basic-${rand()}` }],
      [
        'oauth2_client_credentials',
        { tokenUrl: `${targetUrl}/oauth/token`, clientId: 'c1', testUrl: `${targetUrl}/protected` },
        { clientSecret: `client-secret-${rand()}` },
      ],
      ['openai', { baseUrl: `${targetUrl}/v1` }, { apiKey: `sk-${rand()}` }],
      ['smtp', {}, { url: smtpUrl }],
      ['whatsapp', {}, { accessToken: `wa-${rand()}` }],
    ];
    const connectionIds: string[] = [];
    for (const [type, settings, values] of connectionSecrets) {
      for (const [field, value] of Object.entries(values)) keep(`${type} ${field}`, value);
      const created = await call(
        'POST',
        '/api/v1/connections',
        { name: `c ${type}`, type, settings, secrets: values },
        token,
      );
      expect(created.status).toBe(201);
      connectionIds.push(created.body.id);
      expect((await call('POST', `/api/v1/connections/${created.body.id}/test`, {}, token)).status).toBe(200);
    }
    // A bad secret in a request (the 400 names the field, never the value).
    const badSecret = `bad-${rand()}`;
    keep('rejected secret', badSecret);
    expect(
      (await call('POST', '/api/v1/connections', { name: 'bad', type: 'smtp', secrets: { url: badSecret } }, token))
        .status,
    ).toBe(400);
    const replaced = `replaced-${rand()}`;
    keep('replaced secret', replaced);
    expect(
      (await call('PATCH', `/api/v1/connections/${connectionIds[0]}`, { secrets: { token: replaced } }, token)).status,
    ).toBe(200);
    for (const connectionId of connectionIds.slice(0, 4)) {
      const flowBot = await call(
        'POST',
        '/api/v1/chatbots',
        {
          name: `http ${connectionId}`,
          flow: {
            schemaVersion: 1,
            events: [{ id: 'start', type: 'start' }],
            groups: [
              {
                id: 'g1',
                blocks: [
                  {
                    id: 'call',
                    type: 'httpRequest',
                    options: { method: 'GET', url: `${targetUrl}/protected`, connectionId },
                  },
                ],
              },
            ],
            edges: [{ id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g1' } }],
          },
        },
        token,
      );
      expect((await call('POST', `/api/v1/chatbots/${flowBot.body.id}/publish`, {}, token)).status).toBe(201);
      const flowSession = await call('POST', `/api/v1/bots/${flowBot.body.publicId}/sessions`, {});
      expect(flowSession.status).toBe(201);
      const steps = await call('GET', `/api/v1/sessions/${flowSession.body.sessionId}/logs`, undefined, token);
      expect(JSON.stringify(steps.body)).not.toMatch(/bearer-|apikey-|basic-|client-secret-|oat-|replaced-/);
    }
    expect(target.on('/protected').length).toBeGreaterThanOrEqual(8);
    const listed = await call('GET', '/api/v1/connections', undefined, token);
    const answers = JSON.stringify(listed.body);
    const rotated = await new Promise<string>((resolve) =>
      execFile(
        process.execPath,
        [join(repoRoot, 'dist/src/integrations/vault/rotate-secrets.cli.js')],
        { cwd: repoRoot, env: { ...processEnv, ENCRYPTION_KEY: keyB, ENCRYPTION_PREVIOUS_KEYS: keyA } },
        (error, stdout, stderr) => resolve(`${error?.message ?? ''}${stdout}${stderr}`),
      ),
    );
    expect(rotated).toContain('"resealed": 7');
    const connectionLeaks = [...secrets]
      .filter(([, value]) => answers.includes(value) || rotated.includes(value))
      .map(([what]) => what);
    expect(connectionLeaks).toEqual([]);

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
