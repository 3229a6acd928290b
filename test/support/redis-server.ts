import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { findExecutable, freePort } from '@/common/embedded';

/**
 * A `redis-server` of the test's own, on a free port, keeping nothing on disk: `kill()` takes it
 * away (an outage), `restart()` brings it back on the same port, empty.
 */
export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    private readonly binary: string,
    readonly port: number,
  ) {}

  static async start(): Promise<RedisServer> {
    const binary = findExecutable('redis-server');
    if (!binary) throw new Error('redis-server is not on PATH');
    const server = new RedisServer(binary, await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the server (empty) and resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('redis-server is already running');
    const child = spawn(
      this.binary,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch (error) {
          if (attempt >= 100 || child.exitCode !== null) {
            await this.kill();
            throw new Error(`redis-server did not start on port ${this.port}: ${String(error)}`, { cause: error });
          }
          probe.disconnect();
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILLs the server and resolves once it has exited (its port then refuses connections). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGKILL');
    await exited;
  }
}
