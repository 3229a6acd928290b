import { startTestApp, type TestApp } from './support/test-app';
import { ProbeModule, UnguardedModule } from './support/probe.module';

describe('HTTP edge: request ids, problem+json errors, validation, headers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(
      { CORS_ORIGINS: 'https://dashboard.example', BODY_LIMIT_BYTES: '2048' },
      { extraModules: [ProbeModule] },
    );
  });
  afterAll(() => t.close());

  it('mints an X-Request-Id when none is sent and echoes a sane one', async () => {
    const minted = await t.request('GET', '/health/live');
    expect(minted.status).toBe(200);
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const echoed = await t.request('GET', '/health/live', { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42.a:b');

    const replaced = await t.request('GET', '/health/live', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await t.request('GET', '/api/v1/does-not-exist', { headers: { 'x-request-id': 'req-404' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'urn:parley:problem:route.not_found',
      title: 'Not Found',
      status: 404,
      detail: 'Cannot GET /api/v1/does-not-exist',
      code: 'route.not_found',
      requestId: 'req-404',
    });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await t.request('POST', '/api/v1/_probe/echo', { rawBody: '{"name": "Al",' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'request.malformed_json' });
  });

  it('names every invalid and unknown field', async () => {
    const res = await t.request('POST', '/api/v1/_probe/echo', {
      body: { name: 'A', email: 'not-an-email', address: { city: 'X' }, role: 'admin' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request.validation_failed');
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['address.city', 'email', 'name', 'role']);
    expect(res.body.errors).toContainEqual({ field: 'role', message: 'property role should not exist' });
  });

  it('accepts and transforms a valid body', async () => {
    const res = await t.request('POST', '/api/v1/_probe/echo', { body: { name: 'Ada', email: 'ada@example.com' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'Ada', email: 'ada@example.com' });
  });

  it('refuses bodies over the configured limit with a 413 problem', async () => {
    const res = await t.request('POST', '/api/v1/_probe/echo', {
      body: { name: 'Ada', email: 'ada@example.com', pad: 'x'.repeat(4096) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, code: 'request.too_large' });
  });

  it('refuses a content type it does not parse with a 415 problem', async () => {
    const res = await t.request('POST', '/api/v1/_probe/echo', {
      rawBody: 'name=Ada',
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('request.unsupported_media_type');
  });

  it('hides internals of unexpected errors behind an error id', async () => {
    const res = await t.request('GET', '/api/v1/_probe/boom');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ status: 500, code: 'internal.error' });
    expect(res.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.detail).toContain(res.body.errorId);
    expect(res.text).not.toContain('hunter2');
    expect(res.text).not.toContain('stack');
  });

  it('maps coded domain errors with their extensions and headers', async () => {
    const res = await t.request('GET', '/api/v1/_probe/conflict');
    expect(res.status).toBe(409);
    expect(res.headers.get('etag')).toBe('"4"');
    expect(res.body).toMatchObject({ code: 'probe.conflict', detail: 'Revision 3 is stale.', currentRevision: 4 });
  });

  it('sends security headers', async () => {
    const res = await t.request('GET', '/health/live');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('allows CORS only for configured origins', async () => {
    const allowed = await t.request('OPTIONS', '/api/v1/_probe/echo', {
      headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example');

    const other = await t.request('GET', '/health/live', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses to boot when a route declares no access policy', async () => {
    await expect(startTestApp({}, { extraModules: [UnguardedModule] })).rejects.toThrow(
      /Routes without an access policy .*UnguardedController\.open/,
    );
  });
});
