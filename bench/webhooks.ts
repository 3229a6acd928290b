/**
 * The webhook scenario: deliveries per second from one Parley worker process to a local receiver,
 * against bare BullMQ jobs doing the same signed POST (`bare-webhook-worker.ts`) in the same run.
 *
 * - bare: N jobs added with `addBulk`, timed until the receiver has N requests.
 * - parley: a subscription to `chatbot.published`, then N events written to the outbox in one
 *   statement (as a publish would write them), timed until the receiver has N requests: the real
 *   pipeline (dispatcher → `webhooks` fan-out job → delivery rows → `deliver` jobs → sign, POST,
 *   record), in one `APP_ROLE=all` process whose API is idle meanwhile.
 *
 * Both run a warm-up of `WEBHOOK_BENCH_WARMUP` (200) first and use the same concurrency
 * (`WEBHOOK_CONCURRENCY`, 16). `WEBHOOK_BENCH_DELIVERIES` (default 5000); 0 skips the scenario.
 * Standalone: `npm run build && node dist/bench/webhooks.js`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { databaseUrl, redisUrl, repoRoot, resetDatabase, startApp, startServer } from './harness';

export interface WebhookBenchResult {
  readonly target: 'bare bullmq' | 'parley (events → receiver)' | 'parley (deliver jobs only)';
  readonly deliveries: number;
  readonly seconds: number;
  readonly perSecond: number;
}

const concurrency = process.env.WEBHOOK_CONCURRENCY ?? '16';

/** Counts requests per path; `until(path, n)` resolves when `path` has seen `n`. */
class Receiver {
  private readonly counts = new Map<string, number>();
  private readonly waiting = new Map<string, { n: number; done: () => void }>();
  private server: HttpServer | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const path = req.url ?? '/';
        const count = (this.counts.get(path) ?? 0) + 1;
        this.counts.set(path, count);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        const waiter = this.waiting.get(path);
        if (waiter && count >= waiter.n) {
          this.waiting.delete(path);
          waiter.done();
        }
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  until(path: string, n: number, timeoutMs = 300_000): Promise<void> {
    if ((this.counts.get(path) ?? 0) >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${path}: ${this.counts.get(path) ?? 0} of ${n} requests`)),
        timeoutMs,
      );
      this.waiting.set(path, {
        n,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const eventBody = (i: number, organizationId: string) =>
  JSON.stringify({
    id: uuidv7(),
    type: 'chatbot.published',
    occurredAt: new Date().toISOString(),
    organizationId,
    data: { chatbotId: uuidv7(), version: i, rolledBackFrom: null, publishedByUserId: null },
  });

async function bare(receiver: Receiver, base: string, n: number, warmup: number): Promise<WebhookBenchResult> {
  const prefix = `benchbare${process.pid}`;
  const worker = await startServer('dist/bench/bare-webhook-worker.js', {
    REDIS_URL: redisUrl,
    BENCH_PREFIX: prefix,
    BENCH_QUEUE: 'bare-webhooks',
    BENCH_CONCURRENCY: concurrency,
  });
  const queue = new Queue('bare-webhooks', { connection: { url: redisUrl }, prefix });
  const enqueue = async (path: string, count: number) => {
    for (let start = 0; start < count; start += 1000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
          name: 'deliver',
          data: { url: `${base}${path}`, body: eventBody(start + i, 'bench'), deliveryId: uuidv7() },
          opts: { removeOnComplete: true, attempts: 3 },
        })),
      );
    }
  };
  try {
    await enqueue('/bare-warmup', warmup);
    await receiver.until('/bare-warmup', warmup);
    const started = performance.now();
    const done = receiver.until('/bare', n);
    await enqueue('/bare', n);
    await done;
    const seconds = (performance.now() - started) / 1000;
    return { target: 'bare bullmq', deliveries: n, seconds, perSecond: n / seconds };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await worker.stop();
  }
}

async function parley(receiver: Receiver, base: string, n: number, warmup: number): Promise<WebhookBenchResult[]> {
  const app = await startApp('info', { OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_CONCURRENCY: concurrency });
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const register = await fetch(`${app.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `webhooks.${Date.now()}@example.com`,
        password: 'correct horse battery staple',
        name: 'Bench',
        organizationName: `Webhooks bench ${Date.now()}`,
      }),
    });
    const account = (await register.json()) as { accessToken: string; organization: { id: string } };
    const subscribe = async (path: string) => {
      const res = await fetch(`${app.url}/api/v1/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${account.accessToken}` },
        body: JSON.stringify({ url: `${base}${path}`, eventTypes: ['chatbot.published'] }),
      });
      if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    const organizationId = account.organization.id;
    const publish = async (count: number) => {
      const ids = Array.from({ length: count }, () => uuidv7());
      await pg.query(
        `INSERT INTO outbox_events (id, type, organization_id, occurred_at, data)
         SELECT id, 'chatbot.published', $2, now(),
                jsonb_build_object('chatbotId', id, 'version', 1, 'rolledBackFrom', null, 'publishedByUserId', null)
           FROM unnest($1::uuid[]) AS id`,
        [ids, organizationId],
      );
    };
    const warm = await subscribe('/parley-warmup');
    await publish(warmup);
    await receiver.until('/parley-warmup', warmup);
    await fetch(`${app.url}/api/v1/webhooks/${warm}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${account.accessToken}` },
    });
    const subscription = await subscribe('/parley');
    const started = performance.now();
    const done = receiver.until('/parley', n);
    await publish(n);
    await done;
    const seconds = (performance.now() - started) / 1000;
    const pipeline: WebhookBenchResult = {
      target: 'parley (events → receiver)',
      deliveries: n,
      seconds,
      perSecond: n / seconds,
    };

    // The delivery stage alone: delivery rows written up front, their `deliver` jobs added in bulk
    // (what the fan-out does), timed until the receiver has them all.
    await fetch(`${app.url}/api/v1/webhooks/${subscription}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${account.accessToken}` },
      body: JSON.stringify({ url: `${base}/parley-deliver` }),
    });
    const ids = Array.from({ length: n }, () => uuidv7());
    await pg.query(
      `INSERT INTO webhook_deliveries (id, organization_id, subscription_id, event_id, event_type, payload)
       SELECT id, $2, $3, id, 'chatbot.published',
              jsonb_build_object('id', id, 'type', 'chatbot.published', 'occurredAt', now(), 'organizationId', $4::text,
                'data', jsonb_build_object('chatbotId', id, 'version', 1, 'rolledBackFrom', null, 'publishedByUserId', null))
         FROM unnest($1::uuid[]) AS id`,
      [ids, organizationId, subscription, organizationId],
    );
    const queue = new Queue('webhooks', { connection: { url: redisUrl }, prefix: `bench${process.pid}` });
    try {
      const deliverStarted = performance.now();
      const delivered = receiver.until('/parley-deliver', n);
      for (let start = 0; start < n; start += 1000) {
        await queue.addBulk(
          ids.slice(start, start + 1000).map((deliveryId) => ({
            name: 'deliver',
            data: { organizationId, deliveryId },
            opts: {
              jobId: deliveryId,
              attempts: 8,
              backoff: { type: 'webhook' },
              removeOnComplete: { age: 3600, count: 1000 },
            },
          })),
        );
      }
      await delivered;
      const deliverSeconds = (performance.now() - deliverStarted) / 1000;
      return [
        pipeline,
        { target: 'parley (deliver jobs only)', deliveries: n, seconds: deliverSeconds, perSecond: n / deliverSeconds },
      ];
    } finally {
      await queue.close();
    }
  } finally {
    await pg.end();
    await app.stop();
  }
}

/** Runs both sides with `n` deliveries each; the receiver is shared. */
export async function compareWebhooks(n: number, warmup = Number(process.env.WEBHOOK_BENCH_WARMUP ?? 200)) {
  const receiver = new Receiver();
  const base = await receiver.start();
  try {
    return [await bare(receiver, base, n, warmup), ...(await parley(receiver, base, n, warmup))];
  } finally {
    await receiver.stop();
  }
}

export function printWebhookTable(results: readonly WebhookBenchResult[]): void {
  const [baseline] = results;
  console.log(`\nwebhooks: deliveries/s from one worker (concurrency ${concurrency}) to a local receiver\n`);
  console.log('| target | deliveries | seconds | deliveries/s | ratio parley/bare |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const ratio = r !== baseline && baseline ? (r.perSecond / baseline.perSecond).toFixed(2) : '';
    console.log(`| ${r.target} | ${r.deliveries} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(0)} | ${ratio} |`);
  }
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(repoRoot, 'bench', 'results', 'webhooks-latest.json'),
    JSON.stringify({ at: new Date().toISOString(), concurrency, results }, null, 2),
  );
}

export const webhookDeliveriesFromEnv = (fallback: number): number =>
  Number(process.env.WEBHOOK_BENCH_DELIVERIES ?? fallback);

if (require.main === module) {
  resetDatabase()
    .then(() => compareWebhooks(webhookDeliveriesFromEnv(5000)))
    .then(printWebhookTable)
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
