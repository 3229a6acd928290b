/**
 * The webhook baseline: a bare BullMQ worker in its own process doing what a delivery does at the
 * wire (an HMAC-SHA256 signature, a JSON POST over a kept-alive connection, the answer read), and
 * nothing else. Jobs: `{ url, body, deliveryId }`. Prints `listening http://bare-webhook-worker`
 * once the worker is ready. Env: REDIS_URL, BENCH_PREFIX, BENCH_QUEUE, BENCH_CONCURRENCY.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { Worker } from 'bullmq';

interface BareJob {
  url: string;
  body: string;
  deliveryId: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const secret = 'whsec_bench';

function post(job: BareJob): Promise<number> {
  const t = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(`${t}.${job.body}`).digest('hex');
  return new Promise((resolve, reject) => {
    const req = http.request(
      job.url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(job.body)),
          'parley-signature': `t=${t},v1=${signature}`,
          'parley-delivery-id': job.deliveryId,
        },
        signal: AbortSignal.timeout(10_000),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(job.body);
  });
}

async function main(): Promise<void> {
  const worker = new Worker<BareJob>(
    process.env.BENCH_QUEUE ?? 'bare-webhooks',
    async (job) => {
      const status = await post(job.data);
      if (status < 200 || status >= 300) throw new Error(`answered ${status}`);
      return { status };
    },
    {
      connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      prefix: process.env.BENCH_PREFIX ?? 'benchbare',
      concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
    },
  );
  await worker.waitUntilReady();
  console.log('listening http://bare-webhook-worker');
  const stop = (): void => {
    void worker.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
