import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: a status (with headers and body), or no answer at all (`hang`). */
export type ScriptedAnswer =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | { readonly hang: true };

export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `Date.now()` when it arrived. */
  readonly receivedAt: number;
  /** The answer it got (`hang`: none). */
  readonly answer: ScriptedAnswer;
}

/**
 * A webhook receiver on 127.0.0.1 (random port) for tests: records every request and answers from
 * a script per path (answers are used up in order; then `fallback`, 200 by default).
 *
 *   const receiver = new WebhookReceiver();
 *   const url = await receiver.start();
 *   receiver.script('/flaky', [{ status: 503 }, { status: 503 }]); // then 200
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | undefined;
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private readonly fallbacks = new Map<string, ScriptedAnswer>();
  private readonly hanging = new Set<ServerResponse>();
  private waiters: (() => void)[] = [];

  /** Answers for `path`, in order; after them `fallback` (default 200 `ok`). */
  script(path: string, answers: readonly ScriptedAnswer[], fallback?: ScriptedAnswer): this {
    this.scripts.set(path, [...answers]);
    if (fallback) this.fallbacks.set(path, fallback);
    return this;
  }

  on(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Resolves once `path` has received at least `count` requests (fails after `timeoutMs`). */
  async waitFor(path: string, count: number, timeoutMs = 20_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.on(path).length < count) {
      if (Date.now() > deadline) {
        throw new Error(`receiver: ${this.on(path).length} of ${count} requests on ${path} within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.on(path);
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'http://receiver').pathname;
        const answer = this.scripts.get(path)?.shift() ??
          this.fallbacks.get(path) ?? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
        this.received.push({
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
          answer,
        });
        const waiters = this.waiters;
        this.waiters = [];
        for (const wake of waiters) wake();
        if ('hang' in answer) {
          this.hanging.add(res);
          return;
        }
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Verifies a `Parley-Signature` header the way the README tells receivers to: some `v1` must be
 * the HMAC-SHA256 of `"<t>.<body>"` with `secret`, and `t` within `toleranceSeconds` of now.
 */
export function verifyParleySignature(
  header: string | undefined,
  body: string,
  secret: string,
  toleranceSeconds = 300,
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return parts
    .filter(([k]) => k === 'v1')
    .some(([, hex]) => {
      const given = Buffer.from(hex ?? '', 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
