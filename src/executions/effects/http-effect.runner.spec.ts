import { gzipSync } from 'node:zlib';
import { HttpTarget } from '../../../test/support/http-target';
import type { HttpRequestEffect } from '../engine/engine-types';
import {
  type HttpEffectData,
  HttpEffectRunner,
  type HttpEffectRunnerOptions,
  parseRetryAfter,
} from './http-effect.runner';
import type { HostResolver } from '@/common/outbound/outbound-address';

const effect = (over: Partial<HttpRequestEffect>): HttpRequestEffect => ({
  effectId: 'e1',
  blockId: 'b1',
  groupId: 'g1',
  afterMessageCount: 0,
  kind: 'httpRequest',
  awaitsResult: true,
  method: 'GET',
  url: 'http://127.0.0.1:1/',
  headers: [],
  timeoutMs: 5_000,
  retries: 0,
  responseMapping: [],
  ...over,
});

const dataOf = (outcome: { data?: unknown }) => outcome.data as HttpEffectData;

describe('HttpEffectRunner', () => {
  const target = new HttpTarget();
  let base: string;
  let port: number;
  const runners: HttpEffectRunner[] = [];
  const delays: number[] = [];

  /** A runner whose waits between attempts are recorded, not waited. */
  function runner(allowPrivateNetworks = true, options: HttpEffectRunnerOptions = {}, maxResponseBytes = 100_000) {
    const r = new HttpEffectRunner(
      { httpEffects: { allowPrivateNetworks, maxResponseBytes } },
      {
        random: () => 0,
        sleep: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
        ...options,
      },
    );
    runners.push(r);
    return r;
  }

  beforeAll(async () => {
    ({ url: base, port } = await target.start());
  });
  afterAll(async () => {
    for (const r of runners) r.close();
    await target.stop();
  });
  beforeEach(() => {
    target.requests.length = 0;
    delays.length = 0;
  });

  describe('requests and responses', () => {
    it('sends a GET with its query and parses a JSON answer; exposes only safe headers', async () => {
      target.route('GET /items', (req, res) =>
        HttpTarget.json(res, 200, { items: [1, 2], q: req.query.q }, { 'set-cookie': 'sid=1', 'x-request-id': 'r1' }),
      );
      const outcome = await runner().run(effect({ url: `${base}/items?q=shoes&page=2` }));
      expect(outcome).toMatchObject({ outcome: 'ok', attempts: 1 });
      expect(outcome.error).toBeUndefined();
      expect(dataOf(outcome).statusCode).toBe(200);
      expect(dataOf(outcome).data).toEqual({ items: [1, 2], q: 'shoes' });
      expect(dataOf(outcome).headers).toMatchObject({ 'content-type': 'application/json', 'x-request-id': 'r1' });
      expect(dataOf(outcome).headers['set-cookie']).toBeUndefined();
      expect(target.on('/items')).toHaveLength(1);
      expect(target.on('/items')[0]?.query).toEqual({ q: 'shoes', page: '2' });
      expect(typeof outcome.durationMs).toBe('number');
    });

    it('sends a POST with a JSON body and the flow headers; refuses to let a flow set Host', async () => {
      target.route('POST /orders', (req, res) => HttpTarget.json(res, 201, { received: JSON.parse(req.body) }));
      const outcome = await runner().run(
        effect({
          method: 'POST',
          url: `${base}/orders`,
          body: '{"sku":"A1","qty":2}',
          headers: [
            { key: 'X-Api-Key', value: 'secret' },
            { key: 'Host', value: 'evil.example' },
          ],
        }),
      );
      expect(outcome.outcome).toBe('ok');
      expect(dataOf(outcome)).toMatchObject({ statusCode: 201, data: { received: { sku: 'A1', qty: 2 } } });
      const [req] = target.on('/orders');
      expect(req?.method).toBe('POST');
      expect(req?.headers['content-type']).toBe('application/json');
      expect(req?.headers['x-api-key']).toBe('secret');
      expect(req?.headers.host).toBe(`127.0.0.1:${port}`);
      expect(req?.headers['content-length']).toBe(String(Buffer.byteLength('{"sku":"A1","qty":2}')));
    });

    it('keeps a content type set by the flow and sends a text body as is', async () => {
      target.route('PUT /raw', (req, res) => res.end(`${req.headers['content-type']}|${req.body}`));
      const outcome = await runner().run(
        effect({
          method: 'PUT',
          url: `${base}/raw`,
          body: 'a=1&b=2',
          headers: [{ key: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
        }),
      );
      expect(dataOf(outcome).data).toBe('application/x-www-form-urlencoded|a=1&b=2');
    });

    it('answers text for non-JSON content types, and for JSON that does not parse', async () => {
      target.route('/text', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('{"looks":"like json"}');
      });
      target.route('/broken', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{not json');
      });
      target.route('/problem', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/problem+json; charset=utf-8' });
        res.end('{"title":"x"}');
      });
      const r = runner();
      expect(dataOf(await r.run(effect({ url: `${base}/text` }))).data).toBe('{"looks":"like json"}');
      expect(dataOf(await r.run(effect({ url: `${base}/broken` }))).data).toBe('{not json');
      expect(dataOf(await r.run(effect({ url: `${base}/problem` }))).data).toEqual({ title: 'x' });
    });

    it('decodes a gzip-encoded answer', async () => {
      target.route('/gz', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ zipped: true })));
      });
      const outcome = await runner().run(effect({ url: `${base}/gz` }));
      expect(dataOf(outcome).data).toEqual({ zipped: true });
    });

    it('refuses URLs that are not http(s) without sending anything', async () => {
      const outcome = await runner().run(effect({ url: 'file:///etc/passwd' }));
      expect(outcome).toMatchObject({ outcome: 'error', errorCode: 'effect.invalid_request', attempts: 0 });
    });

    it('refuses a header value with a line break', async () => {
      const outcome = await runner().run(
        effect({ url: `${base}/x`, headers: [{ key: 'X-A', value: 'a\r\nX-Injected: 1' }] }),
      );
      expect(outcome.errorCode).toBe('effect.invalid_request');
      expect(target.requests).toHaveLength(0);
    });
  });

  describe('timeouts and retries', () => {
    it('fails an attempt that gets no answer within timeoutMs', async () => {
      target.route('/hang', () => undefined);
      const outcome = await runner().run(effect({ url: `${base}/hang`, timeoutMs: 200 }));
      expect(outcome).toMatchObject({ outcome: 'error', errorCode: 'effect.timeout', attempts: 1 });
      expect(outcome.data).toBeUndefined();
    });

    it('retries a timeout when retries allow it', async () => {
      let calls = 0;
      target.route('/slow-once', (_req, res) => {
        calls++;
        if (calls > 1) HttpTarget.json(res, 200, { ok: true });
      });
      const outcome = await runner().run(effect({ url: `${base}/slow-once`, timeoutMs: 200, retries: 1 }));
      expect(outcome).toMatchObject({ outcome: 'ok', attempts: 2 });
    });

    it('retries 500s with exponential backoff, then succeeds', async () => {
      let calls = 0;
      target.route('/flaky', (_req, res) => {
        calls++;
        if (calls <= 2) HttpTarget.json(res, 500, { error: 'boom' });
        else HttpTarget.json(res, 200, { done: true });
      });
      const outcome = await runner(true, { backoffBaseMs: 100 }).run(effect({ url: `${base}/flaky`, retries: 3 }));
      expect(outcome).toMatchObject({ outcome: 'ok', attempts: 3, data: { statusCode: 200, data: { done: true } } });
      expect(target.on('/flaky')).toHaveLength(3);
      // random() = 0: half of 100, then half of 200
      expect(delays).toEqual([50, 100]);
    });

    it('gives up after the retries with the last status and body', async () => {
      target.route('/down', (_req, res) => HttpTarget.json(res, 503, { error: 'maintenance' }));
      const outcome = await runner().run(effect({ url: `${base}/down`, retries: 2 }));
      expect(outcome).toMatchObject({
        outcome: 'error',
        errorCode: 'effect.http_status',
        attempts: 3,
        data: { statusCode: 503, data: { error: 'maintenance' } },
      });
      expect(outcome.error).toContain('503');
      expect(target.on('/down')).toHaveLength(3);
    });

    it('does not retry a 400, and still returns its status and body', async () => {
      target.route('/bad', (_req, res) => HttpTarget.json(res, 400, { error: 'missing field' }));
      const outcome = await runner().run(effect({ url: `${base}/bad`, retries: 3 }));
      expect(outcome).toMatchObject({
        outcome: 'error',
        attempts: 1,
        data: { statusCode: 400, data: { error: 'missing field' } },
      });
      expect(target.on('/bad')).toHaveLength(1);
      expect(delays).toEqual([]);
    });

    it('waits for Retry-After on a 429, then retries', async () => {
      let calls = 0;
      target.route('/limited', (_req, res) => {
        calls++;
        if (calls === 1) HttpTarget.json(res, 429, { error: 'slow down' }, { 'retry-after': '2' });
        else HttpTarget.json(res, 200, { ok: true });
      });
      const outcome = await runner().run(effect({ url: `${base}/limited`, retries: 1 }));
      expect(outcome).toMatchObject({ outcome: 'ok', attempts: 2 });
      expect(delays).toEqual([2_000]);
    });

    it('does not wait for a Retry-After beyond the cap', async () => {
      target.route('/later', (_req, res) => HttpTarget.json(res, 429, {}, { 'retry-after': '3600' }));
      const outcome = await runner(true, { maxRetryAfterMs: 5_000 }).run(effect({ url: `${base}/later`, retries: 3 }));
      expect(outcome).toMatchObject({ outcome: 'error', attempts: 1, data: { statusCode: 429 } });
      expect(outcome.error).toContain('3600 s');
      expect(delays).toEqual([]);
    });

    it('stops when the caller aborts', async () => {
      target.route('/hang', () => undefined);
      const controller = new AbortController();
      const pending = runner().run(effect({ url: `${base}/hang`, retries: 3 }), controller.signal);
      while (target.on('/hang').length === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      await expect(pending).resolves.toMatchObject({ outcome: 'error', errorCode: 'effect.cancelled', attempts: 1 });
    });
  });

  describe('response size cap', () => {
    it('refuses a response whose declared length is over the cap', async () => {
      target.route('/big', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5000' });
        res.end('x'.repeat(5000));
      });
      const outcome = await runner(true, {}, 1_000).run(effect({ url: `${base}/big`, retries: 2 }));
      expect(outcome).toMatchObject({ outcome: 'error', errorCode: 'effect.response_too_large', attempts: 1 });
    });

    it('refuses a chunked response that grows over the cap, and a decompression bomb', async () => {
      target.route('/stream', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 10; i++) res.write('y'.repeat(500));
        res.end();
      });
      target.route('/bomb', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        res.end(gzipSync(Buffer.alloc(1_000_000, 'z')));
      });
      const r = runner(true, {}, 1_000);
      await expect(r.run(effect({ url: `${base}/stream` }))).resolves.toMatchObject({
        errorCode: 'effect.response_too_large',
      });
      await expect(r.run(effect({ url: `${base}/bomb` }))).resolves.toMatchObject({
        errorCode: 'effect.response_too_large',
      });
    });

    it('accepts a response at the cap', async () => {
      target.route('/fits', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('z'.repeat(1_000));
      });
      const outcome = await runner(true, {}, 1_000).run(effect({ url: `${base}/fits` }));
      expect(outcome.outcome).toBe('ok');
      expect(dataOf(outcome).data).toHaveLength(1_000);
    });
  });

  describe('redirects', () => {
    it('follows a redirect; a 302 after a POST becomes a GET without body', async () => {
      target.route('POST /old', (_req, res) => {
        res.writeHead(302, { location: '/new' });
        res.end();
      });
      target.route('GET /new', (req, res) => HttpTarget.json(res, 200, { method: req.method, body: req.body }));
      const outcome = await runner().run(effect({ method: 'POST', url: `${base}/old`, body: '{"a":1}' }));
      expect(outcome).toMatchObject({ outcome: 'ok', data: { statusCode: 200, data: { method: 'GET', body: '' } } });
    });

    it('keeps the method and body on a 307', async () => {
      target.route('POST /tmp', (_req, res) => {
        res.writeHead(307, { location: '/dest' });
        res.end();
      });
      target.route('POST /dest', (req, res) => HttpTarget.json(res, 200, { body: req.body }));
      const outcome = await runner().run(effect({ method: 'POST', url: `${base}/tmp`, body: '{"a":1}' }));
      expect(dataOf(outcome).data).toEqual({ body: '{"a":1}' });
    });

    it('refuses a fourth redirect', async () => {
      target.route('/loop', (req, res) => {
        res.writeHead(302, { location: `/loop?n=${Number(req.query.n ?? 0) + 1}` });
        res.end();
      });
      const outcome = await runner().run(effect({ url: `${base}/loop` }));
      expect(outcome).toMatchObject({ outcome: 'error', errorCode: 'effect.redirect_refused' });
      expect(target.on('/loop')).toHaveLength(4);
    });

    it('drops credentials when a redirect changes origin', async () => {
      target.route('/to-other-origin', (_req, res) => {
        res.writeHead(302, { location: `http://localhost:${port}/landing` });
        res.end();
      });
      target.route('/landing', (req, res) => HttpTarget.json(res, 200, { auth: req.headers.authorization ?? null }));
      const outcome = await runner().run(
        effect({ url: `${base}/to-other-origin`, headers: [{ key: 'Authorization', value: 'Bearer t' }] }),
      );
      expect(target.on('/to-other-origin')[0]?.headers.authorization).toBe('Bearer t');
      expect(dataOf(outcome).data).toEqual({ auth: null });
    });

    it("drops a connection's own credential headers when a redirect changes origin", async () => {
      target.route('/key-to-other-origin', (_req, res) => {
        res.writeHead(302, { location: `http://localhost:${port}/key-landing` });
        res.end();
      });
      target.route('/key-landing', (req, res) =>
        HttpTarget.json(res, 200, { key: req.headers['x-api-key'] ?? null, other: req.headers['x-other'] ?? null }),
      );
      const outcome = await runner().run(
        effect({
          url: `${base}/key-to-other-origin`,
          headers: [
            { key: 'X-API-Key', value: 'k' },
            { key: 'X-Other', value: 'kept' },
          ],
          credentialHeaders: ['X-API-Key'],
        }),
      );
      expect(target.on('/key-to-other-origin')[0]?.headers['x-api-key']).toBe('k');
      expect(dataOf(outcome).data).toEqual({ key: null, other: 'kept' });
    });

    it('checks every redirect destination against the address policy', async () => {
      target.route('/to-private', (_req, res) => {
        res.writeHead(302, { location: 'http://10.0.0.1/admin' });
        res.end();
      });
      target.route('/to-loopback6', (_req, res) => {
        res.writeHead(301, { location: `http://[::1]:${port}/landing` });
        res.end();
      });
      // 127.0.0.1 is trusted explicitly; nothing else private is.
      const r = runner(false, { allowedCidrs: ['127.0.0.1/32'] });
      const toPrivate = await r.run(effect({ url: `${base}/to-private`, timeoutMs: 1_000 }));
      expect(toPrivate).toMatchObject({ outcome: 'error', errorCode: 'effect.address_refused' });
      expect(toPrivate.error).toContain('10.0.0.1');
      const toLoopback = await r.run(effect({ url: `${base}/to-loopback6` }));
      expect(toLoopback).toMatchObject({ outcome: 'error', errorCode: 'effect.address_refused' });
      expect(target.on('/landing')).toHaveLength(0);
    });
  });

  describe('outbound address checks', () => {
    it.each([
      ['127.0.0.1', () => `http://127.0.0.1:${port}/ssrf`],
      ['10.x', () => 'http://10.1.2.3/ssrf'],
      ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
      ['[::1]', () => `http://[::1]:${port}/ssrf`],
      ['IPv4-mapped loopback', () => `http://[::ffff:127.0.0.1]:${port}/ssrf`],
      ['a name resolving to loopback', () => `http://localhost:${port}/ssrf`],
      ['a decimal loopback', () => `http://2130706433:${port}/ssrf`],
      ['0.0.0.0', () => `http://0.0.0.0:${port}/ssrf`],
    ])('refuses %s unless private networks are allowed', async (_name, url) => {
      target.route('/ssrf', (_req, res) => HttpTarget.json(res, 200, { reached: true }));
      const outcome = await runner(false).run(effect({ url: url(), timeoutMs: 1_000, retries: 2 }));
      expect(outcome).toMatchObject({ outcome: 'error', errorCode: 'effect.address_refused', attempts: 1 });
      expect(outcome.data).toBeUndefined();
      expect(target.requests).toHaveLength(0);
    });

    it('refuses a name when any of its addresses is private', async () => {
      const resolver: HostResolver = () =>
        Promise.resolve([
          { address: '93.184.216.34', family: 4 },
          { address: '10.0.0.7', family: 4 },
        ]);
      const outcome = await runner(false, { resolver }).run(effect({ url: 'http://mixed.example.test/' }));
      expect(outcome).toMatchObject({ errorCode: 'effect.address_refused' });
      expect(outcome.error).toContain('10.0.0.7 of mixed.example.test');
    });

    it('allows loopback and private names when allowPrivateNetworks is on', async () => {
      target.route('/ssrf', (_req, res) => HttpTarget.json(res, 200, { reached: true }));
      const outcome = await runner(true).run(effect({ url: `http://localhost:${port}/ssrf` }));
      expect(outcome).toMatchObject({ outcome: 'ok', data: { data: { reached: true } } });
    });

    it('connects to the address it checked, keeping the name in the Host header', async () => {
      const asked: string[] = [];
      const resolver: HostResolver = (host) => {
        asked.push(host);
        return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
      };
      target.route('/pinned', (req, res) => HttpTarget.json(res, 200, { host: req.headers.host }));
      // `api.example.test` does not resolve in DNS: reaching the target proves the checked address was used.
      const outcome = await runner(true, { resolver }).run(effect({ url: `http://api.example.test:${port}/pinned` }));
      expect(outcome).toMatchObject({ outcome: 'ok', data: { data: { host: `api.example.test:${port}` } } });
      expect(asked).toEqual(['api.example.test']);
    });

    it('fails clearly when a name does not resolve', async () => {
      const resolver: HostResolver = () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
      const outcome = await runner(false, { resolver }).run(
        effect({ url: 'http://nowhere.example.test/', retries: 2 }),
      );
      expect(outcome).toMatchObject({ outcome: 'error', errorCode: 'effect.dns_failed', attempts: 1 });
    });
  });

  describe('parseRetryAfter', () => {
    it('reads seconds and HTTP dates', () => {
      const now = Date.parse('2025-01-01T00:00:00Z');
      expect(parseRetryAfter('5', now)).toBe(5_000);
      expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
      expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
      expect(parseRetryAfter('soon', now)).toBeUndefined();
      expect(parseRetryAfter(undefined, now)).toBeUndefined();
    });
  });
});
