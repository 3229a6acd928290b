/**
 * The socket baseline: a bare Socket.IO 4.8 server (no framework, no auth, no database), in its own
 * process, with the transport settings the app's gateway will use (websocket only, no HTTP
 * long-polling upgrade dance, no per-message compression).
 *   namespace /visitor: `message.send` → ack `{ ok: true, message: <echo>, turn: <n> }`
 *   `bench.memory` → ack `{ rss, heapUsed, sockets }` (the load generator's memory probe)
 * Prints `listening <url>` when ready.
 */
import { createServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';

/** Transport settings shared with the app's gateway (keep them in sync when it lands). */
export const socketServerOptions: Partial<ServerOptions> = {
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  pingInterval: 25_000,
  pingTimeout: 20_000,
  maxHttpBufferSize: 64 * 1024,
  cors: { origin: true },
};

export interface MemoryReport {
  readonly rss: number;
  readonly heapUsed: number;
  readonly sockets: number;
}

function main(): void {
  const http = createServer();
  const io = new Server(http, socketServerOptions);
  const visitor = io.of('/visitor');
  visitor.on('connection', (socket) => {
    let turn = 0;
    socket.on('message.send', (message: unknown, ack?: (answer: unknown) => void) => {
      turn += 1;
      ack?.({ ok: true, message, turn });
    });
    socket.on('bench.memory', (ack?: (report: MemoryReport) => void) => {
      const { rss, heapUsed } = process.memoryUsage();
      ack?.({ rss, heapUsed, sockets: visitor.sockets.size });
    });
  });
  http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`listening http://127.0.0.1:${port}\n`);
  });
  process.once('SIGTERM', () => {
    void io.close(() => process.exit(0));
  });
}

if (require.main === module) main();
