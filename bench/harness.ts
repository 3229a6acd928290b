import autocannon, { type Options, type Result } from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

export const repoRoot = join(__dirname, '..', '..');

export const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley_bench';
export const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Server {
  readonly url: string;
  readonly pid: number;
  /** The child's warn/error/fatal log lines (pino JSON level >= 40) since it started, the last 200. */
  warnings(): readonly string[];
  /** Log lines matching `StartOptions.keep` since it started, the last 200. */
  lines(): readonly string[];
  stop(): Promise<void>;
}

/** A process's resident set size in bytes (`VmRSS` of /proc/<pid>/status; Linux only). */
export function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** A process's CPU time (user + system) in milliseconds, from /proc/<pid>/stat (Linux only). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The soft limit on open files of this process (children inherit it). */
export function openFileLimit(): number {
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !match?.[1] || match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/** Drops and creates a bench database (`databaseUrl` unless another is given). */
export async function resetDatabase(of: string = databaseUrl): Promise<void> {
  const url = new URL(of);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

/**
 * Starts the built app on a fresh port against the bench database. One client drives every
 * connection from 127.0.0.1, so the chat API's limits (per IP, per bot, per session) are raised
 * high enough never to refuse (their cost, one Redis round trip per check, is still measured).
 */
/** (LOG_LEVEL info at least: the "listening" line the harness waits for is info.) */
export function startApp(logLevel = 'info', extraEnv: Record<string, string> = {}): Promise<Server> {
  return startServer('dist/src/main.js', {
    PORT: '0',
    LOG_LEVEL: logLevel,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `bench${process.pid}`,
    NODE_ENV: 'development',
    CHAT_START_LIMIT_PER_IP: '1000000',
    CHAT_START_LIMIT_PER_BOT: '1000000',
    CHAT_MESSAGE_LIMIT_PER_IP: '1000000',
    CHAT_MESSAGE_LIMIT_PER_SESSION: '1000000',
    ...(process.env.BENCH_DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.BENCH_DATABASE_POOL_SIZE } : {}),
    ...extraEnv,
  });
}

/** Starts a Node script as a child process and waits for `listening <url>` / "listening on <url>". */
export interface StartOptions {
  /** Log lines to keep besides warnings (e.g. a component's timings). */
  readonly keep?: RegExp;
}

export function startServer(script: string, env: Record<string, string>, options: StartOptions = {}): Promise<Server> {
  // BENCH_CPU_PROF=<dir>: the servers write a V8 CPU profile there when they stop (open it in DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, join(repoRoot, script)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const warnings: string[] = [];
  const kept: string[] = [];
  let partial = '';
  const collectWarnings = (chunk: Buffer): void => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (/"level":(4|5|6)0\b/.test(line)) warnings.push(line.slice(0, 2000));
      if (options.keep?.test(line)) kept.push(line.slice(0, 2000));
    }
    if (warnings.length > 200) warnings.splice(0, warnings.length - 200);
    if (kept.length > 200) kept.splice(0, kept.length - 200);
  };
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening(?: on)? (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) {
        // Keep draining the child's output (a full pipe would stall its logger), keeping its warnings.
        child.stdout?.off('data', onData);
        child.stdout?.on('data', collectWarnings);
        resolve({
          url: match[1],
          pid: child.pid!,
          warnings: () => warnings,
          lines: () => kept,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${String(code)}:\n${output}`)));
  });
}

export interface Load {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
}

export interface Measurement {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

const run = (options: Options): Promise<Result> =>
  new Promise((resolve, reject) => {
    autocannon(options, (error: unknown, result) =>
      error
        ? reject(error instanceof Error ? error : new Error('autocannon failed', { cause: error }))
        : resolve(result),
    );
  });

/** Warms up, then measures with autocannon. `requests` lets a scenario script each request. */
export async function measure(url: string, load: Load, extra: Partial<Options> = {}): Promise<Measurement> {
  await run({ url, connections: load.connections, duration: load.warmupSeconds, ...extra });
  const result = await run({ url, connections: load.connections, duration: load.durationSeconds, ...extra });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
