import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { findExecutable, freePort, type EmbeddedService } from '@/common/embedded';

/**
 * Starts `redis-server` from PATH on a free loopback port, keeping an append-only file in
 * `<dataDir>/redis` so queued jobs survive a restart. Development only.
 */
export async function startEmbeddedRedis(dataDir: string): Promise<EmbeddedService> {
  const binary = findExecutable('redis-server');
  if (!binary) {
    throw new Error(
      'Redis is required and none answers on 127.0.0.1:6379, and redis-server is not on PATH.\n' +
        'Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis), ' +
        'start one with Docker (docker run -p 6379:6379 redis:7), or set REDIS_URL.',
    );
  }
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined); // a refused connect while redis-server starts: retried below
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch (error) {
        if (attempt >= 50 || child.exitCode !== null) {
          child.kill('SIGKILL');
          throw new Error(`redis-server (${binary}) did not start on port ${port}: ${String(error)}`, {
            cause: error,
          });
        }
        probe.disconnect();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    probe.disconnect();
  }
  const killOnExit = (): void => void child.kill('SIGTERM');
  process.once('exit', killOnExit);
  return {
    url,
    description: `redis-server from ${binary} on port ${port} (data in ${dir})`,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
