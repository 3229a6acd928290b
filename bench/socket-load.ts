/**
 * Socket load generator: N concurrent socket.io-client sockets (websocket only), each sending
 * messages in a loop and waiting for each ack. Reports connect rate (sockets/s), messages/s,
 * ack round-trip p50/p99 and server memory per socket (RSS after connecting minus before, / N,
 * as the server reports it through its `bench.memory` event).
 *
 *   npm run build && node dist/bench/socket-load.js            # starts bench/bare-socket-server
 *   SOCKET_TARGET_URL=http://127.0.0.1:3000 node dist/bench/socket-load.js   # a running server
 *
 * Environment: SOCKET_CLIENTS (default 5000), SOCKET_DURATION (seconds of messaging, default 10),
 * SOCKET_CONNECT_BATCH (sockets opened at once, default 200), SOCKET_TARGET (`bare` | `parley`).
 * Each socket is one file descriptor on both sides: 5000 clients + server in one machine need
 * `ulimit -n` above ~10100 (`ulimit -n 65536` in the shell first; the default 1024 fails at ~500).
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { startServer } from './harness';
import type { MemoryReport } from './bare-socket-server';

/** What differs between targets: how a client authenticates, what it sends, what a good ack is. */
export interface SocketTarget {
  readonly name: string;
  readonly namespace: string;
  /** The handshake `auth` of client `i` (created before it connects; may call the HTTP API). */
  auth(baseUrl: string, i: number): Promise<Record<string, unknown>>;
  /** The n-th message of client `i`. */
  message(i: number, n: number): { event: string; payload: unknown };
  isOk(ack: unknown): boolean;
  /** The server's memory, when the target can report it (else memory per socket is not reported). */
  memory?(socket: Socket): Promise<MemoryReport>;
}

const emitWithAck = (socket: Socket, event: string, payload?: unknown): Promise<unknown> =>
  socket.timeout(10_000).emitWithAck(event, ...(payload === undefined ? [] : [payload]));

export const bareTarget: SocketTarget = {
  name: 'bare socket.io echo',
  namespace: '/visitor',
  auth: () => Promise.resolve({}),
  message: (i, n) => ({ event: 'message.send', payload: { clientMessageId: `c${i}-${n}`, text: 'hello' } }),
  isOk: (ack) => typeof ack === 'object' && ack !== null && (ack as { ok?: unknown }).ok === true,
  memory: async (socket) => (await emitWithAck(socket, 'bench.memory')) as MemoryReport,
};

/**
 * Parley's `/visitor` namespace (docs/live-chat.md). TO BE FILLED IN BY THE GATEWAY AUTHOR:
 * - `auth`: start a session with `POST {baseUrl}/api/v1/bots/{publicId}/sessions` (a published bot
 *   created once beforehand, e.g. with bench/scenarios.ts' loop flow and high CHAT_* limits) and
 *   return `{ token: <sessionToken> }`; creating 5000 sessions is slow, so create them before the
 *   clock starts (as here: `auth` runs before connecting).
 * - `message`: `message.send { clientMessageId, text }` (clientMessageId unique per session).
 * - `isOk`: the ack is `{ ok: true, message, turn }`.
 * - `memory`: expose the app's RSS (an IPC/metrics read, or a bench-only event) or leave it out.
 */
export const parleyTarget: SocketTarget = {
  name: 'parley /visitor',
  namespace: '/visitor',
  auth: () => Promise.reject(new Error('parleyTarget.auth: the /visitor gateway does not exist yet (see comment)')),
  message: (i, n) => ({ event: 'message.send', payload: { clientMessageId: `c${i}-${n}`, text: 'hello' } }),
  isOk: (ack) => typeof ack === 'object' && ack !== null && (ack as { ok?: unknown }).ok === true,
};

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function connect(url: string, target: SocketTarget, auth: Record<string, unknown>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}${target.namespace}`, {
      transports: ['websocket'],
      auth,
      reconnection: false,
      forceNew: true, // one connection per client, as N browsers would have
      timeout: 20_000,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export interface SocketLoadResult {
  readonly target: string;
  readonly clients: number;
  readonly connected: number;
  readonly connectPerSecond: number;
  readonly messagesPerSecond: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly failures: number;
  readonly bytesPerSocket: number | undefined;
}

export async function runSocketLoad(
  url: string,
  target: SocketTarget,
  clients: number,
  durationSeconds: number,
  batch: number,
): Promise<SocketLoadResult> {
  const auths = await Promise.all(Array.from({ length: clients }, (_, i) => target.auth(url, i)));
  const probe = await connect(url, target, auths[0] ?? {});
  const before = await target.memory?.(probe);
  const sockets: Socket[] = [];
  let failures = 0;
  const connectStart = performance.now();
  for (let from = 0; from < clients; from += batch) {
    const opened = await Promise.allSettled(auths.slice(from, from + batch).map((auth) => connect(url, target, auth)));
    for (const result of opened) {
      if (result.status === 'fulfilled') sockets.push(result.value);
      else failures += 1;
    }
  }
  const connectSeconds = (performance.now() - connectStart) / 1000;
  const after = await target.memory?.(probe);

  const latencies: number[] = [];
  const until = performance.now() + durationSeconds * 1000;
  const loop = async (socket: Socket, i: number): Promise<void> => {
    for (let n = 0; performance.now() < until; n++) {
      const { event, payload } = target.message(i, n);
      const sent = performance.now();
      try {
        const ack = await emitWithAck(socket, event, payload);
        if (target.isOk(ack)) latencies.push(performance.now() - sent);
        else failures += 1;
      } catch {
        failures += 1;
      }
    }
  };
  const messagingStart = performance.now();
  await Promise.all(sockets.map((socket, i) => loop(socket, i)));
  const messagingSeconds = (performance.now() - messagingStart) / 1000;
  for (const socket of [...sockets, probe]) socket.close();

  latencies.sort((a, b) => a - b);
  return {
    target: target.name,
    clients,
    connected: sockets.length,
    connectPerSecond: sockets.length / connectSeconds,
    messagesPerSecond: latencies.length / messagingSeconds,
    p50ms: percentile(latencies, 50),
    p99ms: percentile(latencies, 99),
    failures,
    bytesPerSocket: before && after && sockets.length > 0 ? (after.rss - before.rss) / sockets.length : undefined,
  };
}

async function main(): Promise<void> {
  const clients = Number(process.env.SOCKET_CLIENTS ?? 5000);
  const duration = Number(process.env.SOCKET_DURATION ?? 10);
  const batch = Number(process.env.SOCKET_CONNECT_BATCH ?? 200);
  const target = process.env.SOCKET_TARGET === 'parley' ? parleyTarget : bareTarget;
  const external = process.env.SOCKET_TARGET_URL;
  const server = external ? undefined : await startServer('dist/bench/bare-socket-server.js', { PORT: '0' });
  try {
    const result = await runSocketLoad(external ?? server!.url, target, clients, duration, batch);
    const mb = result.bytesPerSocket === undefined ? 'n/a' : `${(result.bytesPerSocket / 1024).toFixed(1)} KiB`;
    console.log(
      `${result.target}: ${result.connected}/${result.clients} sockets, connect ${result.connectPerSecond.toFixed(0)}/s, ` +
        `${result.messagesPerSecond.toFixed(0)} msg/s, p50 ${result.p50ms.toFixed(1)} ms, p99 ${result.p99ms.toFixed(1)} ms, ` +
        `failures ${result.failures}, server memory per socket ${mb}`,
    );
  } finally {
    await server?.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
