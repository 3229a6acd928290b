import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { SignJWT } from 'jose';
import { register, type Account } from './support/identity';
import { startTestApp, type TestApp, type TestResponse } from './support/test-app';

/**
 * The input-hygiene layer and its backstops, request by request: what used to answer 500 (or
 * Fastify's own JSON echoing the URL) now answers a 400/401/414/431 problem+json with the
 * request id and security headers.
 */
describe('input hygiene at the edge', () => {
  let t: TestApp;
  let admin: Account;
  let chatbot: { id: string; publicId: string };

  const expectProblem = (res: TestResponse, status: number, code: string): void => {
    expect([res.status, res.headers.get('content-type')]).toEqual([
      status,
      expect.stringMatching(/^application\/problem\+json/),
    ]);
    expect(res.body).toMatchObject({ status, code, requestId: res.headers.get('x-request-id') });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  };
  const fieldsOf = (res: TestResponse<any>): string[] => (res.body.errors as { field: string }[]).map((e) => e.field);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t);
    const created = await t.request('POST', '/api/v1/chatbots', {
      token: admin.accessToken,
      body: { name: 'Hygiene Bot', templateId: 'lead-capture' },
    });
    chatbot = created.body;
    await t.request('POST', `/api/v1/chatbots/${chatbot.id}/publish`, { token: admin.accessToken, body: {} });
  });
  afterAll(() => t.close());

  describe('strings and keys', () => {
    it('refuses a NUL in a JSON string, naming the field', async () => {
      const res = await t.request('POST', '/api/v1/chatbots', { token: admin.accessToken, body: { name: 'a\u0000b' } });
      expectProblem(res, 400, 'request.validation_failed');
      expect(res.body.errors).toEqual([{ field: 'name', message: 'name must not contain NUL (\\u0000) characters' }]);
    });

    it('refuses a NUL in a path parameter, unauthenticated', async () => {
      const res = await t.request('POST', '/api/v1/bots/%00/sessions', { body: {} });
      expectProblem(res, 400, 'request.validation_failed');
      expect(fieldsOf(res)).toEqual(['publicId']);
    });

    it("refuses a NUL deep in a visitor's structured value and a lone surrogate in text", async () => {
      const session = await t.request('POST', `/api/v1/bots/${chatbot.publicId}/sessions`, { body: {} });
      const value = await t.request('POST', `/api/v1/sessions/${session.body.sessionId}/messages`, {
        token: session.body.sessionToken,
        rawBody: '{"clientMessageId":"m1","value":{"a":"\\u0000"}}',
      });
      expectProblem(value, 400, 'request.validation_failed');
      expect(fieldsOf(value)).toEqual(['value.a']);
      const text = await t.request('POST', `/api/v1/sessions/${session.body.sessionId}/messages`, {
        token: session.body.sessionToken,
        rawBody: '{"clientMessageId":"m2","text":"hi \\ud800"}',
      });
      expectProblem(text, 400, 'request.validation_failed');
      expect(text.body.errors).toEqual([
        { field: 'text', message: 'text must not contain unpaired UTF-16 surrogates' },
      ]);
    });

    it('refuses a lone surrogate in an email and a Typebot message', async () => {
      const login = await t.request('POST', '/api/v1/auth/login', {
        rawBody: '{"email":"a\\ud800@example.com","password":"x"}',
      });
      expectProblem(login, 400, 'request.validation_failed');
      expect(fieldsOf(login)).toEqual(['email']);
      const typebot = await t.request('POST', `/api/v1/typebots/${chatbot.publicId}/startChat`, {
        rawBody: '{"message":"\\udc00"}',
      });
      expectProblem(typebot, 400, 'request.validation_failed');
      expect(fieldsOf(typebot)).toEqual(['message']);
    });

    it('refuses a variable name with a lone surrogate without echoing it', async () => {
      const res = await t.request('POST', `/api/v1/bots/${chatbot.publicId}/sessions`, {
        rawBody: '{"variables":{"\\ud800name":"x"}}',
      });
      expectProblem(res, 400, 'request.validation_failed');
      expect(res.body.errors).toEqual([
        { field: 'variables', message: 'a property name in variables must not contain unpaired UTF-16 surrogates' },
      ]);
    });
  });

  describe('nesting', () => {
    it('refuses arrays nested 5,000 deep, on login too', async () => {
      const deep = '['.repeat(5000) + ']'.repeat(5000);
      const res = await t.request('POST', '/api/v1/auth/login', { rawBody: `{"email":${deep},"password":"x"}` });
      expectProblem(res, 400, 'request.validation_failed');
      expect(res.body.errors[0].message).toMatch(/^email(\[0\])* nests deeper than 64 levels$/);
    });

    it('accepts a flow document nested as deep as real ones', async () => {
      const draft = await t.request('GET', `/api/v1/chatbots/${chatbot.id}/flow`, { token: admin.accessToken });
      const res = await t.request('PUT', `/api/v1/chatbots/${chatbot.id}/flow`, {
        token: admin.accessToken,
        body: { flow: draft.body.flow, revision: draft.body.revision },
      });
      expect(res.status).toBe(200);
    });
  });

  describe('numbers and dates PostgreSQL cannot hold', () => {
    it.each([
      ['a version past int4 in the path', 'GET', '/versions/99999999999', 'version'],
      ['1e20 as a page cursor', 'GET', '/versions?before=1e20', 'before'],
      ['a date before PostgreSQL on results', 'GET', '/results?from=-200000-01-01T00:00:00Z', 'from'],
      ['a date before PostgreSQL on the funnel', 'GET', '/results/funnel?to=-200000-01-01T00:00:00Z', 'to'],
    ])('refuses %s', async (_name, method, suffix, field) => {
      const res = await t.request(method, `/api/v1/chatbots/${chatbot.id}${suffix}`, { token: admin.accessToken });
      expectProblem(res, 400, 'request.validation_failed');
      expect(fieldsOf(res)).toContain(field);
    });

    it.each([2147483648, 1e308])('refuses revision %p when saving a flow', async (revision) => {
      const draft = await t.request('GET', `/api/v1/chatbots/${chatbot.id}/flow`, { token: admin.accessToken });
      const res = await t.request('PUT', `/api/v1/chatbots/${chatbot.id}/flow`, {
        token: admin.accessToken,
        body: { flow: draft.body.flow, revision },
      });
      expectProblem(res, 400, 'request.validation_failed');
      expect(fieldsOf(res)).toEqual(['revision']);
    });
  });

  describe('null where a field is not nullable', () => {
    it.each(['/api/v1/chatbots/{id}', '/api/v1/users/me'])('PATCH %s {"name": null} is a 400', async (path) => {
      const res = await t.request('PATCH', path.replace('{id}', chatbot.id), {
        token: admin.accessToken,
        body: { name: null },
      });
      expectProblem(res, 400, 'request.validation_failed');
      expect(res.body.errors).toContainEqual({ field: 'name', message: 'name must not be null' });
    });

    it('"command": null on the public messages route is a 400', async () => {
      const session = await t.request('POST', `/api/v1/bots/${chatbot.publicId}/sessions`, { body: {} });
      const res = await t.request('POST', `/api/v1/sessions/${session.body.sessionId}/messages`, {
        token: session.body.sessionToken,
        body: { clientMessageId: 'c1', command: null },
      });
      expectProblem(res, 400, 'request.validation_failed');
      expect(fieldsOf(res)).toContain('command');
    });

    it('null still clears a nullable field', async () => {
      await t.request('PATCH', `/api/v1/chatbots/${chatbot.id}`, {
        token: admin.accessToken,
        body: { description: 'temporary' },
      });
      const res = await t.request('PATCH', `/api/v1/chatbots/${chatbot.id}`, {
        token: admin.accessToken,
        body: { description: null },
      });
      expect([res.status, res.body.description]).toEqual([200, null]);
      const profile = await t.request('PATCH', '/api/v1/users/me', {
        token: admin.accessToken,
        body: { locale: null },
      });
      expect([profile.status, profile.body.locale]).toEqual([200, null]);
    });
  });

  it('refuses an access token signed with the real secret whose sub is not a UUID (401)', async () => {
    const token = await new SignJWT({ sid: randomUUID() })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .setIssuer(t.config.auth.jwtIssuer)
      .setSubject('admin')
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(t.config.auth.jwtSecret));
    const res = await t.request('GET', '/api/v1/auth/me', { token });
    expectProblem(res, 401, 'auth.invalid_token');
  });

  describe('router-level errors', () => {
    it('answers a path parameter over 100 characters with a 414 problem that does not echo the URL', async () => {
      const long = 'x'.repeat(101);
      const res = await t.request('GET', `/api/v1/chatbots/${long}`, { headers: { 'x-request-id': 'req-414' } });
      expectProblem(res, 414, 'request.uri_too_long');
      expect(res.headers.get('x-request-id')).toBe('req-414');
      expect(res.text).not.toContain(long);
    });

    it('answers a malformed percent escape with a 400 problem', async () => {
      const res = await t.request('GET', '/api/v1/chatbots/%E0%A4%A');
      expectProblem(res, 400, 'request.malformed_url');
      expect(res.text).not.toContain('%E0');
    });

    it('answers a request line over the header limit with a 431 problem', async () => {
      const res = await t.request('GET', `/api/v1/chatbots?cursor=${'q'.repeat(20_000)}`);
      expectProblem(res, 431, 'request.headers_too_large');
    });

    it('answers a request that is not HTTP with a 400 problem', async () => {
      const url = new URL(t.url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
        });
        let data = '';
        socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(answer).toMatch(/x-request-id: [0-9a-f-]{36}/i);
      expect(answer).toContain('"code":"request.malformed"');
    });
  });
});
