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
  /** The pub/sub clients, made with the first server (an app that fails to boot before has none to leak). */
  private clients: { readonly pub: Redis; readonly sub: Redis } | undefined;
  private readonly servers = new Set<Server>();
  /** The pub/sub channel prefix: the install's Redis prefix (processes of one install share it). */
  private readonly key: string;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
    this.key = `${config.redis.keyPrefix}:socket.io`;
  }

  private pubSub(): { readonly pub: Redis; readonly sub: Redis } {
    if (!this.clients) {
      const { name } = this.config.role;
      const pub = new Redis(this.config.redis.url, {
        connectionName: `parley-sockets-${name}`,
        maxRetriesPerRequest: null,
      });
      const sub = pub.duplicate({ connectionName: `parley-sockets-sub-${name}` });
      // The adapter does not await its publishes: one racing shutdown (the client has quit) or a
      // Redis outage would be an unhandled rejection. Such an emit is lost, and logged.
      const publish = pub.publish.bind(pub);
      const safePublish = (channel: string | Buffer, message: string | Buffer): Promise<number> =>
        publish(channel, message).catch((error: unknown) => {
          this.log.warn(`Socket.IO Redis publish failed: ${error instanceof Error ? error.message : String(error)}`);
          return 0;
        });
      pub.publish = safePublish;
      for (const client of [pub, sub]) {
        client.on('error', (error: Error) => this.log.warn(`Socket.IO Redis: ${error.message}`));
      }
      this.clients = { pub, sub };
    }
    return this.clients;
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
    const { pub, sub } = this.pubSub();
    server.adapter(createAdapter(pub, sub, { key: this.key, publishOnSpecificResponseChannel: true }));
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

  /**
   * Quits the pub/sub clients: politely when Redis answers (a client still connecting — an app
   * closed right after it was created — is given a moment, so the adapter's queued subscriptions
   * complete instead of failing unhandled), at once when it does not: never waits long on it.
   */
  override async dispose(): Promise<void> {
    const clients = this.clients ? [this.clients.pub, this.clients.sub] : [];
    await Promise.all(
      clients.map(async (client) => {
        if (await readyWithin(client, 1_000)) {
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

/** Whether the client is (or becomes, within `ms`) ready; false at once when it is closed for good. */
function readyWithin(client: Redis, ms: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  if (client.status === 'end' || client.status === 'close') return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      resolve(false);
    }, ms).unref();
    const onReady = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    client.once('ready', onReady);
  });
}
