import autocannon, { type Options, type Result } from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');

export interface Server {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a Node script as a child process and waits for `listening <url>` / "listening on <url>". */
export function startServer(script: string, env: Record<string, string>): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, script)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening(?: on)? (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) {
        // Keep draining the child's output: a full pipe would stall its logger.
        child.stdout?.off('data', onData);
        child.stdout?.on('data', () => undefined);
        resolve({
          url: match[1],
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
