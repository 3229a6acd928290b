import { FakeOpenAi } from './support/fake-openai';
import { HttpTarget } from './support/http-target';
import { addMember, register, type Account } from './support/identity';
import { publishChatbot } from './support/chatbots';
import { SmtpReceiver } from './support/smtp-receiver';
import { startTestApp, type TestApp } from './support/test-app';

interface Step {
  blockId: string;
  outcome: string;
  error?: string;
  detail?: string;
}

/** A bot whose first block is an HTTP GET of `url` with `connectionId`, then says the status it got. */
const httpFlow = (url: string, connectionId?: string) => ({
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [{ id: 'status', name: 'status' }],
  groups: [
    {
      id: 'g1',
      blocks: [
        {
          id: 'call',
          type: 'httpRequest',
          options: {
            method: 'GET',
            url,
            ...(connectionId ? { connectionId } : {}),
            headers: [{ key: 'Authorization', value: 'Bearer from-the-block' }],
            responseMapping: [{ path: 'statusCode', variableId: 'status' }],
          },
        },
        { id: 'said', type: 'text', options: { text: 'status {{status}}' } },
      ],
    },
  ],
  edges: [{ id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g1' } }],
});

describe('connections', () => {
  let t: TestApp;
  let admin: Account;
  let other: Account;
  const target = new HttpTarget();
  const ai = new FakeOpenAi({ apiKey: 'sk-openai-secret-0001' });
  const smtp = new SmtpReceiver({ auth: { user: 'mailer', pass: 'smtp-pass-secret-0002' } });
  let targetUrl: string;
  let aiBaseUrl: string;
  let smtpUrl: string;
  let tokenCalls = 0;

  beforeAll(async () => {
    targetUrl = (await target.start()).url;
    aiBaseUrl = (await ai.start()).baseUrl;
    smtpUrl = (await smtp.start()).url;
    target.route('GET /protected', (req, res) => {
      const ok =
        req.headers['x-api-key'] === 'api-key-secret-0003' ||
        req.query.key === 'api-key-secret-0003' ||
        req.headers.authorization === 'Bearer bearer-secret-0004' ||
        req.headers.authorization === `Basic ${Buffer.from('ada:basic-pass-secret-0005').toString('base64')}` ||
        req.headers.authorization === 'Bearer oauth-access-token-0006';
      HttpTarget.json(res, ok ? 200 : 401, { ok });
    });
    target.route('POST /oauth/token', (req, res) => {
      tokenCalls++;
      const basic = `Basic ${Buffer.from('client-1:oauth-client-secret-0007').toString('base64')}`;
      const form = new URLSearchParams(req.body);
      const ok =
        form.get('grant_type') === 'client_credentials' &&
        (req.headers.authorization === basic || form.get('client_secret') === 'oauth-client-secret-0007');
      if (!ok) return HttpTarget.json(res, 401, { error: 'invalid_client' });
      return HttpTarget.json(res, 200, {
        access_token: 'oauth-access-token-0006',
        token_type: 'Bearer',
        expires_in: 3600,
      });
    });
    t = await startTestApp({ OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true', WHATSAPP_GRAPH_URL: targetUrl });
    target.route(`GET /${t.config.integrations.whatsapp.graphVersion}/me`, (req, res) =>
      HttpTarget.json(res, req.headers.authorization === 'Bearer wa-token-secret-0008' ? 200 : 401, { id: '1' }),
    );
    admin = await register(t, { organizationName: 'Connections A' });
    other = await register(t, { organizationName: 'Connections B' });
  });
  afterAll(async () => {
    await t?.close();
    await target.stop();
    await ai.stop();
    await smtp.stop();
  });

  const create = (body: Record<string, unknown>, account = admin) =>
    t.request('POST', '/api/v1/connections', { token: account.accessToken, body });

  it('stores secrets sealed, never answers them, and keeps names unique', async () => {
    const created = await create({
      name: 'Partner API',
      type: 'api_key',
      settings: { headerName: 'X-API-Key', testUrl: `${targetUrl}/protected` },
      secrets: { key: 'api-key-secret-0003' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Partner API',
      type: 'api_key',
      settings: { headerName: 'X-API-Key', testUrl: `${targetUrl}/protected` },
      secretFields: ['key'],
      createdById: admin.userId,
      lastTestedAt: null,
    });
    expect(created.text).not.toContain('api-key-secret-0003');

    const [row] = await t.sql<{ secrets_sealed: string; settings: unknown }>(
      'SELECT secrets_sealed, settings FROM connections WHERE id = $1',
      [created.body.id],
    );
    expect(row!.secrets_sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(row!.secrets_sealed).not.toContain('api-key-secret-0003');
    expect(Buffer.from(row!.secrets_sealed.split('.')[4]!, 'base64url').toString()).not.toContain('api-key');

    // A sealed value copied onto another row does not open there (aad = the row's id).
    const copy = await create({ name: 'Copy', type: 'api_key', secrets: { key: 'another-secret-000' } });
    await t.sql('UPDATE connections SET secrets_sealed = $1 WHERE id = $2', [row!.secrets_sealed, copy.body.id]);
    expect(
      (
        await t.request('POST', `/api/v1/connections/${copy.body.id}/test`, {
          token: admin.accessToken,
          body: { url: `${targetUrl}/protected` },
        })
      ).status,
    ).toBe(500);
    expect(
      (await t.request('DELETE', `/api/v1/connections/${copy.body.id}`, { token: admin.accessToken })).status,
    ).toBe(204);

    const duplicate = await create({ name: 'partner api', type: 'bearer', secrets: { token: 'x-token-000' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('connection.name_taken');

    const list = await t.request('GET', '/api/v1/connections?type=api_key', { token: admin.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(['Partner API']);
    expect(list.text).not.toContain('api-key-secret-0003');
    const got = await t.request('GET', `/api/v1/connections/${created.body.id}`, { token: admin.accessToken });
    expect(got.body.secretFields).toEqual(['key']);
    expect(got.text).not.toContain('api-key-secret-0003');
  });

  it('validates settings and secrets per type, naming the fields', async () => {
    const missing = await create({ name: 'No secret', type: 'openai', secrets: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'secrets.apiKey' })]);

    const wrong = await create({
      name: 'Bad OAuth',
      type: 'oauth2_client_credentials',
      settings: { tokenUrl: 'ftp://x', clientId: '', extra: 1 },
      secrets: { clientSecret: 's3cr3t-value', other: 'x' },
    });
    expect(wrong.status).toBe(400);
    const fields = (wrong.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['secrets', 'settings', 'settings.clientId', 'settings.tokenUrl']);
    expect(wrong.text).not.toContain('s3cr3t-value');

    const badType = await create({ name: 'X', type: 'telnet', secrets: {} });
    expect(badType.status).toBe(400);
    expect(badType.body.errors).toEqual([expect.objectContaining({ field: 'type' })]);

    const smtpBad = await create({ name: 'Mail', type: 'smtp', secrets: { url: 'http://mail' } });
    expect(smtpBad.body.errors).toEqual([expect.objectContaining({ field: 'secrets.url' })]);
  });

  it('renames, replaces settings and secrets, deletes', async () => {
    const created = await create({ name: 'Temp', type: 'bearer', secrets: { token: 'first-token-000' } });
    const [before] = await t.sql<{ secrets_sealed: string }>('SELECT secrets_sealed FROM connections WHERE id = $1', [
      created.body.id,
    ]);
    const renamed = await t.request('PATCH', `/api/v1/connections/${created.body.id}`, {
      token: admin.accessToken,
      body: {
        name: 'Temp 2',
        settings: { testUrl: `${targetUrl}/protected` },
        secrets: { token: 'bearer-secret-0004' },
      },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Temp 2', settings: { testUrl: `${targetUrl}/protected` } });
    const [after] = await t.sql<{ secrets_sealed: string }>('SELECT secrets_sealed FROM connections WHERE id = $1', [
      created.body.id,
    ]);
    expect(after!.secrets_sealed).not.toBe(before!.secrets_sealed);
    const tested = await t.request('POST', `/api/v1/connections/${created.body.id}/test`, {
      token: admin.accessToken,
      body: {},
    });
    expect(tested.body).toMatchObject({ ok: true });

    const bad = await t.request('PATCH', `/api/v1/connections/${created.body.id}`, {
      token: admin.accessToken,
      body: { secrets: { key: 'wrong-field' } },
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['secrets', 'secrets.token']);

    expect(
      (await t.request('DELETE', `/api/v1/connections/${created.body.id}`, { token: admin.accessToken })).status,
    ).toBe(204);
    expect(
      (await t.request('GET', `/api/v1/connections/${created.body.id}`, { token: admin.accessToken })).status,
    ).toBe(404);
  });

  it('tests each type against its service and stores the outcome', async () => {
    const test = async (id: string, body: Record<string, unknown> = {}) =>
      (await t.request('POST', `/api/v1/connections/${id}/test`, { token: admin.accessToken, body })).body as {
        ok: boolean;
        error?: string;
        durationMs: number;
      };
    const protectedUrl = `${targetUrl}/protected`;

    const header = await create({ name: 'Header key', type: 'api_key', secrets: { key: 'api-key-secret-0003' } });
    expect(await test(header.body.id, { url: protectedUrl })).toMatchObject({ ok: true });
    expect(target.on('/protected').at(-1)!.headers['x-api-key']).toBe('api-key-secret-0003');

    const query = await create({
      name: 'Query key',
      type: 'api_key',
      settings: { queryParam: 'key' },
      secrets: { key: 'api-key-secret-0003' },
    });
    expect(await test(query.body.id, { url: protectedUrl })).toMatchObject({ ok: true });
    expect(target.on('/protected').at(-1)!.query.key).toBe('api-key-secret-0003');

    const wrongKey = await create({
      name: 'Wrong key',
      type: 'api_key',
      settings: { testUrl: protectedUrl },
      secrets: { key: 'not-the-key-000' },
    });
    const failed = await test(wrongKey.body.id);
    expect(failed).toMatchObject({ ok: false, error: 'the server answered 401' });
    const stored = await t.request('GET', `/api/v1/connections/${wrongKey.body.id}`, { token: admin.accessToken });
    expect(stored.body).toMatchObject({ lastTestOutcome: 'error', lastTestError: 'the server answered 401' });
    expect(stored.body.lastTestedAt).not.toBeNull();

    const basic = await create({
      name: 'Basic',
      type: 'basic',
      settings: { username: 'ada', testUrl: protectedUrl },
      secrets: { password: 'basic-pass-secret-0005' },
    });
    expect(await test(basic.body.id)).toMatchObject({ ok: true });

    const noUrl = await create({ name: 'No URL', type: 'bearer', secrets: { token: 'bearer-secret-0004' } });
    expect((await test(noUrl.body.id)).error).toMatch(/settings\.testUrl/);

    const oauth = await create({
      name: 'OAuth',
      type: 'oauth2_client_credentials',
      settings: { tokenUrl: `${targetUrl}/oauth/token`, clientId: 'client-1', testUrl: protectedUrl },
      secrets: { clientSecret: 'oauth-client-secret-0007' },
    });
    expect(await test(oauth.body.id)).toMatchObject({ ok: true });
    const oauthPost = await create({
      name: 'OAuth post',
      type: 'oauth2_client_credentials',
      settings: { tokenUrl: `${targetUrl}/oauth/token`, clientId: 'client-1', authMethod: 'client_secret_post' },
      secrets: { clientSecret: 'oauth-client-secret-0007' },
    });
    expect(await test(oauthPost.body.id)).toMatchObject({ ok: true });
    expect(new URLSearchParams(target.on('/oauth/token').at(-1)!.body).get('client_id')).toBe('client-1');
    const oauthBad = await create({
      name: 'OAuth bad',
      type: 'oauth2_client_credentials',
      settings: { tokenUrl: `${targetUrl}/oauth/token`, clientId: 'client-1' },
      secrets: { clientSecret: 'wrong-secret-000' },
    });
    expect(await test(oauthBad.body.id)).toMatchObject({ ok: false, error: 'the token endpoint answered 401' });

    const openai = await create({
      name: 'OpenAI',
      type: 'openai',
      settings: { baseUrl: aiBaseUrl },
      secrets: { apiKey: 'sk-openai-secret-0001' },
    });
    expect(await test(openai.body.id)).toMatchObject({ ok: true });
    const openaiBad = await create({
      name: 'OpenAI bad',
      type: 'openai',
      settings: { baseUrl: aiBaseUrl },
      secrets: { apiKey: 'sk-wrong-000' },
    });
    expect(await test(openaiBad.body.id)).toMatchObject({ ok: false, error: 'the server answered 401' });

    const whatsapp = await create({
      name: 'WhatsApp',
      type: 'whatsapp',
      secrets: { accessToken: 'wa-token-secret-0008' },
    });
    expect(await test(whatsapp.body.id)).toMatchObject({ ok: true });
    const whatsappBad = await create({
      name: 'WhatsApp bad',
      type: 'whatsapp',
      secrets: { accessToken: 'wa-wrong-000' },
    });
    expect(await test(whatsappBad.body.id)).toMatchObject({ ok: false, error: 'the server answered 401' });

    const mail = await create({ name: 'SMTP', type: 'smtp', secrets: { url: smtpUrl } });
    expect(await test(mail.body.id)).toMatchObject({ ok: true });
    expect(smtp.logins.at(-1)).toEqual({ user: 'mailer', ok: true });
    const mailBad = await create({
      name: 'SMTP bad',
      type: 'smtp',
      secrets: { url: smtpUrl.replace('smtp-pass-secret-0002', 'wrong-pass-000') },
    });
    const mailFailed = await test(mailBad.body.id);
    expect(mailFailed.ok).toBe(false);
    expect(mailFailed.error).not.toContain('wrong-pass-000');
  });

  it('refuses private destinations when the outbound policy does', async () => {
    const guarded = await startTestApp();
    try {
      const owner = await register(guarded);
      const created = await guarded.request('POST', '/api/v1/connections', {
        token: owner.accessToken,
        body: {
          name: 'Local',
          type: 'bearer',
          settings: { testUrl: `${targetUrl}/protected` },
          secrets: { token: 'bearer-secret-0004' },
        },
      });
      const before = target.requests.length;
      const tested = await guarded.request('POST', `/api/v1/connections/${created.body.id}/test`, {
        token: owner.accessToken,
        body: {},
      });
      expect(tested.status).toBe(200);
      expect(tested.body.ok).toBe(false);
      expect(tested.body.error).toMatch(/refused range/);
      expect(target.requests.length).toBe(before);
    } finally {
      await guarded.close();
    }
  });

  it("applies a connection's auth to the flow's HTTP block, caches OAuth2 tokens, and fails cleanly for another organization's", async () => {
    const protectedUrl = `${targetUrl}/protected`;
    const run = async (owner: Account, connectionId: string | undefined) => {
      const bot = await publishChatbot(t, owner, {
        name: `http ${Math.random()}`,
        flow: httpFlow(protectedUrl, connectionId),
      });
      const session = await t.request('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} });
      expect(session.status).toBe(201);
      const logs = await t.request<Step[]>('GET', `/api/v1/sessions/${session.body.sessionId}/logs`, {
        token: owner.accessToken,
      });
      return {
        texts: (session.body.messages as { markdown?: string }[]).map((m) => m.markdown),
        call: logs.body.filter((s) => s.blockId === 'call' && s.outcome !== 'awaiting_effect'),
      };
    };
    const bearer = await create({ name: 'Flow bearer', type: 'bearer', secrets: { token: 'bearer-secret-0004' } });
    const withBearer = await run(admin, bearer.body.id);
    expect(withBearer.texts).toEqual(['status 200']);
    // The connection's Authorization replaced the block's own.
    expect(target.on('/protected').at(-1)!.headers.authorization).toBe('Bearer bearer-secret-0004');

    const apiKey = await create({
      name: 'Flow key',
      type: 'api_key',
      settings: { queryParam: 'key' },
      secrets: { key: 'api-key-secret-0003' },
    });
    expect((await run(admin, apiKey.body.id)).texts).toEqual(['status 200']);
    expect(target.on('/protected').at(-1)!.query.key).toBe('api-key-secret-0003');

    const oauth = await create({
      name: 'Flow OAuth',
      type: 'oauth2_client_credentials',
      settings: { tokenUrl: `${targetUrl}/oauth/token`, clientId: 'client-1', scope: 'read' },
      secrets: { clientSecret: 'oauth-client-secret-0007' },
    });
    const callsBefore = tokenCalls;
    expect((await run(admin, oauth.body.id)).texts).toEqual(['status 200']);
    expect((await run(admin, oauth.body.id)).texts).toEqual(['status 200']);
    expect(target.on('/protected').at(-1)!.headers.authorization).toBe('Bearer oauth-access-token-0006');
    // One token for both runs (cached in Redis until expires_in - 30 s).
    expect(tokenCalls - callsBefore).toBe(1);
    expect(new URLSearchParams(target.on('/oauth/token').at(-1)!.body).get('scope')).toBe('read');

    const used = await t.request('GET', `/api/v1/connections/${oauth.body.id}`, { token: admin.accessToken });
    expect(used.body.lastUsedAt).not.toBeNull();

    // Organization B names A's connection: the block takes its error path, the bot goes on.
    const requestsBefore = target.on('/protected').length;
    const foreign = await run(other, bearer.body.id);
    expect(foreign.texts).toEqual(['status ']);
    expect(foreign.call).toEqual([
      expect.objectContaining({
        outcome: 'error',
        error: expect.stringMatching(/not a connection of this organization/),
      }),
    ]);
    expect(target.on('/protected').length).toBe(requestsBefore);

    // A connection that cannot authenticate HTTP.
    const mail = await create({ name: 'Flow SMTP', type: 'smtp', secrets: { url: smtpUrl } });
    const wrongType = await run(admin, mail.body.id);
    expect(wrongType.call).toEqual([
      expect.objectContaining({ outcome: 'error', error: expect.stringMatching(/cannot authenticate HTTP/) }),
    ]);
  });

  it('fetches a new OAuth2 token once when the API answers 401 to the cached one', async () => {
    let issued = 0;
    let accepted = 'rotating-token-1';
    target.route('POST /oauth/rotating', (_req, res) =>
      HttpTarget.json(res, 200, { access_token: `rotating-token-${++issued}`, expires_in: 3600 }),
    );
    target.route('GET /strict', (req, res) =>
      HttpTarget.json(res, req.headers.authorization === `Bearer ${accepted}` ? 200 : 401, {}),
    );
    const oauth = await create({
      name: 'Rotating OAuth',
      type: 'oauth2_client_credentials',
      settings: { tokenUrl: `${targetUrl}/oauth/rotating`, clientId: 'client-1' },
      secrets: { clientSecret: 'oauth-client-secret-0007' },
    });
    const run = async () => {
      const bot = await publishChatbot(t, admin, {
        name: `strict ${Math.random()}`,
        flow: httpFlow(`${targetUrl}/strict`, oauth.body.id),
      });
      const session = await t.request('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} });
      return (session.body.messages as { markdown?: string }[]).map((m) => m.markdown);
    };
    expect(await run()).toEqual(['status 200']);
    expect(issued).toBe(1);
    // The provider revokes the token: the cached one gets a 401, a new one is fetched, once.
    accepted = 'rotating-token-2';
    expect(await run()).toEqual(['status 200']);
    expect(issued).toBe(2);
    expect(await run()).toEqual(['status 200']);
    expect(issued).toBe(2);
    // A provider that keeps refusing: one retry only, then the error status reaches the flow.
    accepted = 'never';
    const strictBefore = target.on('/strict').length;
    expect(await run()).toEqual(['status 401']);
    expect(target.on('/strict').length - strictBefore).toBe(2);
  });

  it('lets every member read connections (without secrets) and only admins write or test', async () => {
    const viewer = await addMember(t, admin, 'viewer');
    const agent = await addMember(t, admin, 'agent');
    const created = await create({ name: 'Roles', type: 'bearer', secrets: { token: 'bearer-secret-0004' } });
    for (const member of [viewer, agent]) {
      const list = await t.request('GET', '/api/v1/connections', { token: member.accessToken });
      expect(list.status).toBe(200);
      expect(list.text).not.toContain('bearer-secret-0004');
      expect(
        (await t.request('GET', `/api/v1/connections/${created.body.id}`, { token: member.accessToken })).status,
      ).toBe(200);
      expect((await create({ name: 'Nope', type: 'bearer', secrets: { token: 'x-token-000' } }, member)).status).toBe(
        403,
      );
      for (const [method, path] of [
        ['PATCH', `/api/v1/connections/${created.body.id}`],
        ['DELETE', `/api/v1/connections/${created.body.id}`],
        ['POST', `/api/v1/connections/${created.body.id}/test`],
      ] as const) {
        expect((await t.request(method, path, { token: member.accessToken, body: {} })).status).toBe(403);
      }
    }
    // Another organization sees none of them.
    const foreign = await t.request('GET', '/api/v1/connections', { token: other.accessToken });
    expect(foreign.body.items.filter((c: { name: string }) => c.name === 'Roles')).toEqual([]);
    expect(
      (await t.request('GET', `/api/v1/connections/${created.body.id}`, { token: other.accessToken })).status,
    ).toBe(404);
  });
});
