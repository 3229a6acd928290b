import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Namespace, type Server, type ServerOptions } from 'socket.io';
import type { AppConfig } from '@/config';

/** The path of the Socket.IO endpoint (engine.io default). */
export const SOCKET_PATH = '/socket.io';

/**
 * Socket.IO on the app's own HTTP server (Fastify's), with the Redis pub/sub adapter so an emit
 * in one API process reaches sockets on every process (`fetchSockets()` asks them all too).
 * Pub/sub carries events only: what a socket missed while disconnected it asks for with `sync` or
 * `auth.lastSeenId`, so the streams adapter's connection-state recovery is not needed.
 *
 * The transport accepts any Origin (visitors' widgets are embedded on any site; each bot checks
 * its allowed origins at the `/visitor` handshake, and `/agent` checks CORS_ORIGINS itself).
 * Credentials travel in the handshake's `auth` payload, never in cookies.
 *
 * Shutdown (`app.close()`): every socket is disconnected and the pub/sub clients quit before the
 * HTTP server closes, so no handle outlives the app. The HTTP server itself is Fastify's to close.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly log = new Logger(RedisIoAdapter.name);
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly servers = new Set<Server>();
  /** The pub/sub channel prefix: the install's Redis prefix (processes of one install share it). */
  private readonly key: string;

  constructor(app: INestApplicationContext, config: AppConfig) {
    super(app);
    const options = { connectionName: `parley-sockets-${config.role.name}`, maxRetriesPerRequest: null };
    this.pub = new Redis(config.redis.url, options);
    this.sub = this.pub.duplicate({ connectionName: `parley-sockets-sub-${config.role.name}` });
    for (const client of [this.pub, this.sub]) {
      client.on('error', (error: Error) => this.log.warn(`Socket.IO Redis: ${error.message}`));
    }
    this.key = `${config.redis.keyPrefix}:socket.io`;
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...(options as Partial<ServerOptions>),
      path: SOCKET_PATH,
      cors: { origin: true, methods: ['GET', 'POST'] },
      // A handshake's payload is small; messages stay within the REST body limits.
      maxHttpBufferSize: 256 * 1024,
      serveClient: false,
    } as Partial<ServerOptions> as ServerOptions);
    server.adapter(createAdapter(this.pub, this.sub, { key: this.key, publishOnSpecificResponseChannel: true }));
    this.servers.add(server);
    return server;
  }

  override close(server: Server | Namespace): Promise<void> {
    if (server instanceof Namespace || !this.servers.delete(server)) return Promise.resolve(); // namespaces go with their server
    // Not `server.close()`: that would close Fastify's HTTP server under it.
    server.local.disconnectSockets(true);
    // The adapters' subscriptions go with the subscriber client (`dispose`), even while Redis is down.
    for (const nsp of server._nsps.values()) nsp.local.disconnectSockets(true);
    server.engine.close();
    return Promise.resolve();
  }

  /** Quits the pub/sub clients (politely when Redis answers, at once when it does not: never waits on it). */
  override async dispose(): Promise<void> {
    await Promise.all(
      [this.pub, this.sub].map(async (client) => {
        if (client.status === 'ready') {
          await Promise.race([
            client.quit().catch(() => undefined),
            new Promise((done) => setTimeout(done, 1_000).unref()),
          ]);
        }
        client.disconnect();
      }),
    );
  }
}
