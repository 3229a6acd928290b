/**
 * `npm run bench`: starts the built app and the bare-Fastify baseline as separate processes, drives
 * both with the same autocannon load, and prints requests/s, p50/p99 and the app/baseline ratio per
 * scenario. Results are also written to bench/results/latest.json.
 *
 * Then the socket scenario (socket-load.ts): the bare Socket.IO echo server and the app's /visitor
 * gateway with the same N sockets, one after the other (`SOCKET_CLIENTS`, default 1000;
 * `SOCKET_CLIENTS=0` skips it). Its results go to bench/results/socket-latest.json.
 *
 * Environment: BENCH_CONNECTIONS (default 50), BENCH_DURATION (seconds, default 10),
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parley_bench), BENCH_REDIS_URL,
 * BENCH_DATABASE_POOL_SIZE (the app's DATABASE_POOL_SIZE; the app's default when unset),
 * SOCKET_CLIENTS, SOCKET_DURATION, SOCKET_CONNECT_BATCH; IMPORT_ROWS (the contacts import, contacts-import.ts).
 *
 * Last, the webhook scenario (webhooks.ts): deliveries/s from one worker against bare BullMQ jobs
 * doing the same POST (`WEBHOOK_BENCH_DELIVERIES`, default 5000; 0 skips it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  databaseUrl,
  type Load,
  type Measurement,
  measure,
  repoRoot,
  resetDatabase,
  startApp,
  startServer,
} from './harness';
import { benchContactsImport, printImportResult } from './contacts-import';
import { scenarios } from './scenarios';
import { compareSockets, printSocketTable, socketLoadFromEnv, writeSocketResults } from './socket-load';
import { compareWebhooks, printWebhookTable, webhookDeliveriesFromEnv } from './webhooks';

const load: Load = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  durationSeconds: Number(process.env.BENCH_DURATION ?? 10),
  warmupSeconds: 2,
};
const fmt = (n: number, digits = 0): string => n.toFixed(digits);

async function main(): Promise<void> {
  await resetDatabase();
  const sockets = socketLoadFromEnv(1000);
  const bare = await startServer('dist/bench/bare-server.js', { DATABASE_URL: databaseUrl, PORT: '0' });
  // The "listening" line is info; request logs are per-request info too (realistic).
  const app = await startApp('info');
  let socketResults: Awaited<ReturnType<typeof compareSockets>>;
  const rows: { scenario: string; baseline: Measurement; app: Measurement }[] = [];
  try {
    for (const scenario of scenarios) {
      const context = (await scenario.prepare?.(app.url, load.connections)) as never;
      const baseline = await measure(`${bare.url}${scenario.baseline.path}`, load, scenario.baseline.options);
      const target = await measure(`${app.url}${scenario.target.path}`, load, scenario.target.options?.(context));
      rows.push({ scenario: scenario.name, baseline, app: target });
    }
    await bare.stop();
    socketResults = sockets.clients > 0 ? await compareSockets(sockets, app) : [];
  } finally {
    await app.stop();
    await bare.stop();
  }

  console.log(
    `\nload: ${load.connections} connections, ${load.durationSeconds}s per run after ${load.warmupSeconds}s warm-up\n`,
  );
  console.log('| scenario | target | req/s | p50 ms | p99 ms | errors | ratio app/bare (req/s) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const ratio = row.app.requestsPerSecond / row.baseline.requestsPerSecond;
    for (const [name, m] of [
      ['bare fastify', row.baseline],
      ['parley', row.app],
    ] as const) {
      console.log(
        `| ${row.scenario} | ${name} | ${fmt(m.requestsPerSecond)} | ${fmt(m.p50, 1)} | ${fmt(m.p99, 1)} | ${m.errors + m.non2xx} | ${name === 'parley' ? fmt(ratio, 2) : ''} |`,
      );
    }
  }
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(repoRoot, 'bench', 'results', 'latest.json'),
    JSON.stringify({ at: new Date().toISOString(), load, rows }, null, 2),
  );
  if (socketResults.length > 0) {
    printSocketTable(sockets, socketResults);
    writeSocketResults('socket-latest.json', sockets, socketResults);
  }
  const deliveries = webhookDeliveriesFromEnv(5000);
  if (deliveries > 0) printWebhookTable(await compareWebhooks(deliveries));
  // The contacts CSV import (IMPORT_ROWS, default 1,000,000; 0 skips it): its own API and worker processes.
  if (Number(process.env.IMPORT_ROWS ?? 1_000_000) > 0) printImportResult(await benchContactsImport());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
