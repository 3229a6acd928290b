import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scriptable HTTP server on 127.0.0.1 (random port) for tests of outbound calls: routes answer
 * with a handler, every request is recorded (counted even when no route matches: 404).
 *
 *   const target = new HttpTarget();
 *   const { url } = await target.start();
 *   target.route('GET /hello', (req, res) => res.end('hi'));
 *   ...
 *   await target.stop();
 */
export interface TargetRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type TargetHandler = (req: TargetRequest, res: ServerResponse) => unknown;

export class HttpTarget {
  readonly requests: TargetRequest[] = [];
  private server: Server | undefined;
  private readonly routes = new Map<string, TargetHandler>();

  /** `'GET /path'` for one method, or `'/path'` for all. Replaces an earlier route. */
  route(key: string, handler: TargetHandler): this {
    this.routes.set(key, handler);
    return this;
  }

  /** Answers `status` with a JSON body (and headers). */
  static json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  /** The requests received on a path. */
  on(path: string): TargetRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(): Promise<{ url: string; port: number }> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const parsed = new URL(req.url ?? '/', 'http://target');
        const recorded: TargetRequest = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          path: parsed.pathname,
          query: Object.fromEntries(parsed.searchParams),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(recorded);
        const handler = this.routes.get(`${recorded.method} ${recorded.path}`) ?? this.routes.get(recorded.path);
        if (!handler) {
          HttpTarget.json(res, 404, { error: 'no route' });
          return;
        }
        Promise.resolve(handler(recorded, res)).catch((err: unknown) => {
          if (!res.headersSent) HttpTarget.json(res, 500, { error: String(err) });
          else res.destroy();
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, port };
  }

  /** Closes the server and every connection, hanging ones included. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
