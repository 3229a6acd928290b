/**
 * `npm run bench`: starts the built app and the bare-Fastify baseline as separate processes, drives
 * both with the same autocannon load, and prints requests/s, p50/p99 and the app/baseline ratio per
 * scenario. Results are also written to bench/results/latest.json.
 *
 * Environment: BENCH_CONNECTIONS (default 50), BENCH_DURATION (seconds, default 10),
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parley_bench), BENCH_REDIS_URL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { type Load, type Measurement, measure, repoRoot, startServer } from './harness';
import { scenarios } from './scenarios';

const load: Load = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  durationSeconds: Number(process.env.BENCH_DURATION ?? 10),
  warmupSeconds: 2,
};
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley_bench';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function resetDatabase(): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);

async function main(): Promise<void> {
  await resetDatabase();
  const bare = await startServer('dist/bench/bare-server.js', { DATABASE_URL: databaseUrl, PORT: '0' });
  const app = await startServer('dist/src/main.js', {
    PORT: '0',
    LOG_LEVEL: 'info', // the "listening" line is info; request logs are per-request info too (realistic)
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `bench${process.pid}`,
    NODE_ENV: 'development',
    // One client drives every connection: limits high enough never to refuse (their cost is measured).
    CHAT_START_LIMIT_PER_IP: '1000000',
    CHAT_MESSAGE_LIMIT_PER_IP: '1000000',
    CHAT_MESSAGE_LIMIT_PER_SESSION: '1000000',
  });
  const rows: { scenario: string; baseline: Measurement; app: Measurement }[] = [];
  try {
    for (const scenario of scenarios) {
      const context = (await scenario.prepare?.(app.url, load.connections)) as never;
      const baseline = await measure(`${bare.url}${scenario.baseline.path}`, load, scenario.baseline.options);
      const target = await measure(`${app.url}${scenario.target.path}`, load, scenario.target.options?.(context));
      rows.push({ scenario: scenario.name, baseline, app: target });
    }
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
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
