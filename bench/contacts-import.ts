/**
 * The contacts CSV import at scale (part of `npm run bench`; alone: `node dist/bench/contacts-import.js`).
 *
 * Generates a CSV of `IMPORT_ROWS` rows (default 1,000,000; 10 columns; 2 % bad rows, 5 %
 * duplicates of an earlier row's email) into a temporary file, then runs it through the real API
 * (`APP_ROLE=api`) and one worker process (`APP_ROLE=worker`): upload, poll until completed. It
 * reports the wall time (upload to completed), the worker's peak RSS (`VmHWM` of
 * /proc/<pid>/status) and, in the same run, a bare `COPY … FROM STDIN (FORMAT csv)` of the same
 * file into an unindexed table, with the ratio bare/import (1 = as fast as a bare COPY).
 * Results: bench/results/contacts-import.json. `IMPORT_ROWS=0` skips it in `npm run bench`.
 */
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  openAsBlob,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { redisUrl, repoRoot, resetDatabase, rssOf, startServer, type Server } from './harness';

const rowsWanted = Number(process.env.IMPORT_ROWS ?? 1_000_000);
const benchDatabaseUrl =
  process.env.BENCH_IMPORT_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley_bench_imports';

const stages = ['lead', 'subscriber', 'opportunity', 'customer'];
const cities = ['Paris', 'Berlin', 'Lisbon', 'Oslo', 'Rome', 'Vienna', 'Dublin', 'Prague'];

/** Writes the file; answers the counts the import must report. */
async function generate(path: string, rows: number) {
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('email,phone,first_name,last_name,company,city,country,lifecycle_stage,lead_score,notes\n');
  let bad = 0;
  let duplicates = 0;
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    let email = `user${i}@example.com`;
    let phone = `+1212${2_000_000 + i}`;
    if (i % 50 === 7) {
      email = `not-an-email-${i}`; // 2 %: rejected
      bad++;
    } else if (i % 20 === 3 && i > 100) {
      email = `user${i - 2}@example.com`; // 5 %: the email of an earlier (good) row
      phone = `+1212${2_000_000 + i - 2}`;
      duplicates++;
    }
    chunk +=
      `${email},${phone},First${i},"Last, ${i}",Company ${i % 1000},${cities[i % cities.length]!},FR,` +
      `${stages[i % stages.length]!},${i % 100},"note ${i}"\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'finish');
  return { total: rows, failed: bad, skipped: duplicates, created: rows - bad - duplicates };
}

/** The peak resident set size (`VmHWM`) of a process, in bytes. */
const peakRssOf = (pid: number): number =>
  Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

async function bareCopy(path: string): Promise<number> {
  const client = new Client({ connectionString: benchDatabaseUrl });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bare_import');
    await client.query(
      `CREATE TABLE bare_import (email text, phone text, first_name text, last_name text, company text, city text,
                                 country text, lifecycle_stage text, lead_score text, notes text)`,
    );
    const started = performance.now();
    await pipeline(
      createReadStream(path),
      client.query(copyFrom('COPY bare_import FROM STDIN WITH (FORMAT csv, HEADER true)')),
    );
    const elapsed = performance.now() - started;
    await client.query('DROP TABLE bare_import');
    return elapsed;
  } finally {
    await client.end();
  }
}

export interface ImportBenchResult {
  readonly rows: number;
  readonly fileBytes: number;
  readonly importMs: number;
  readonly workerPeakRssBytes: number;
  /** The worker's RSS before the upload (the app itself). */
  readonly workerIdleRssBytes: number;
  readonly bareCopyMs: number;
  readonly ratio: number;
  readonly counts: Record<string, number | null>;
  readonly expected: Record<string, number>;
  /** The worker's own account of the import (rows read, merge statement timings). */
  readonly workerLog: readonly string[];
}

export async function benchContactsImport(rows = rowsWanted): Promise<ImportBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-import-'));
  const file = join(dir, 'contacts.csv');
  let api: Server | undefined;
  let worker: Server | undefined;
  try {
    console.log(`contacts import: generating ${rows} rows…`);
    const expected = await generate(file, rows);
    const fileBytes = (await openAsBlob(file)).size;
    await resetDatabase(benchDatabaseUrl);
    const env = {
      PORT: '0',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      DATABASE_URL: benchDatabaseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `benchimport${process.pid}`,
      STORAGE_DIR: join(dir, 'files'),
      JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789',
    };
    api = await startServer('dist/src/main.js', { ...env, APP_ROLE: 'api' });
    worker = await startServer(
      'dist/src/main.js',
      { ...env, APP_ROLE: 'worker', DATABASE_MIGRATE_ON_BOOT: 'false' },
      { keep: /ContactImportRunner/ },
    );

    const registered = await fetch(`${api.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `bench.${Date.now()}@example.com`,
        password: 'correct horse battery staple',
        name: 'Bench',
        organizationName: 'Bench Org',
      }),
    });
    const { accessToken } = (await registered.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    const workerIdleRssBytes = rssOf(worker.pid);

    console.log(`contacts import: importing ${(fileBytes / 1_048_576).toFixed(1)} MiB…`);
    const form = new FormData();
    form.append('dedupe', 'skip');
    form.append('tags', 'bench');
    form.append('file', await openAsBlob(file, { type: 'text/csv' }), 'contacts.csv');
    const started = performance.now();
    const upload = await fetch(`${api.url}/api/v1/contacts/imports`, { method: 'POST', headers: auth, body: form });
    if (upload.status !== 202) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
    const { id } = (await upload.json()) as { id: string };
    let status: { status: string; counts: Record<string, number | null>; error: string | null };
    for (;;) {
      status = (await (
        await fetch(`${api.url}/api/v1/contacts/imports/${id}`, { headers: auth })
      ).json()) as typeof status;
      if (['completed', 'failed', 'canceled'].includes(status.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const importMs = performance.now() - started;
    const workerPeakRssBytes = peakRssOf(worker.pid);
    // The completion line is logged just after the commit the poll saw.
    for (let i = 0; i < 40 && !worker.lines().some((l) => l.includes(' completed: ')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const workerLog = worker.lines().map((line) => (JSON.parse(line) as { msg: string }).msg);
    for (const line of workerLog) console.log(`worker: ${line}`);
    if (status.status !== 'completed') throw new Error(`import ${status.status}: ${status.error ?? ''}`);

    console.log('contacts import: bare COPY of the same file…');
    const bareCopyMs = await bareCopy(file);
    return {
      rows,
      fileBytes,
      importMs,
      workerPeakRssBytes,
      workerIdleRssBytes,
      bareCopyMs,
      ratio: bareCopyMs / importMs,
      counts: status.counts,
      expected,
      workerLog,
    };
  } finally {
    await api?.stop();
    await worker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printImportResult(result: ImportBenchResult): void {
  const exact = (['created', 'skipped', 'failed'] as const).every((k) => result.counts[k] === result.expected[k]);
  console.log(`\ncontacts import of ${result.rows} rows (${(result.fileBytes / 1_048_576).toFixed(1)} MiB)\n`);
  console.log(
    '| import wall time s | worker peak RSS MB (idle before) | bare COPY s | ratio bare/import | counts exact |',
  );
  console.log('| ---: | ---: | ---: | ---: | --- |');
  console.log(
    `| ${(result.importMs / 1000).toFixed(1)} | ${(result.workerPeakRssBytes / 1_048_576).toFixed(0)} ` +
      `(${(result.workerIdleRssBytes / 1_048_576).toFixed(0)}) | ` +
      `${(result.bareCopyMs / 1000).toFixed(1)} | ${result.ratio.toFixed(2)} | ${exact ? 'yes' : `no: ${JSON.stringify(result.counts)}`} |`,
  );
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(repoRoot, 'bench', 'results', 'contacts-import.json'),
    JSON.stringify({ at: new Date().toISOString(), ...result }, null, 2),
  );
}

if (require.main === module) {
  benchContactsImport()
    .then(printImportResult)
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
