/**
 * Socket load generator: N concurrent socket.io-client sockets (websocket only), each sending
 * messages in a loop and waiting for each ack. Reports connect rate (sockets/s), messages/s,
 * ack round-trip p50/p99, failures by cause and the server's memory per socket (its RSS after
 * connecting minus before, / N).
 *
 *   npm run bench:socket      # builds, then the bare Socket.IO echo server and Parley, one after the other
 *   SOCKET_TARGET_URL=http://127.0.0.1:3000 SOCKET_TARGET=parley node dist/bench/socket-load.js   # a running server
 *
 * Environment: SOCKET_CLIENTS (default 1000), SOCKET_DURATION (seconds of messaging, default 10),
 * SOCKET_CONNECT_BATCH (sockets opened at once, default 200), SOCKET_TARGET (`bare` | `parley`,
 * with SOCKET_TARGET_URL only). Results: bench/results/socket-latest.json.
 * Each socket is one file descriptor on both sides: 5000 clients + server in one machine need
 * `ulimit -n` above ~10100 (`ulimit -n 65536` in the shell first; the default 1024 fails at ~500).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { cpuMsOf, openFileLimit, repoRoot, resetDatabase, rssOf, type Server, startApp, startServer } from './harness';
import type { MemoryReport } from './bare-socket-server';
import { createPublishedLoopBot, startSessions } from './scenarios';

/** What differs between targets: how clients authenticate, what they send, what a good ack is. */
export interface SocketTarget {
  readonly name: string;
  readonly namespace: string;
  /** The handshake `auth` of each of `clients` clients (made before the clock starts; may call the HTTP API). */
  prepare(baseUrl: string, clients: number): Promise<Record<string, unknown>[]>;
  /** The n-th message of client `i`. */
  message(i: number, n: number): { event: string; payload: unknown };
  isOk(ack: unknown): boolean;
  /** The server's memory through a socket (used when the server's pid is not known, e.g. SOCKET_TARGET_URL). */
  memory?(socket: Socket): Promise<MemoryReport>;
}

const emitWithAck = (socket: Socket, event: string, payload?: unknown): Promise<unknown> =>
  socket.timeout(10_000).emitWithAck(event, ...(payload === undefined ? [] : [payload]));

const isOkAck = (ack: unknown): boolean =>
  typeof ack === 'object' && ack !== null && (ack as { ok?: unknown }).ok === true;

export const bareTarget: SocketTarget = {
  name: 'bare socket.io echo',
  namespace: '/visitor',
  prepare: (_url, clients) => Promise.resolve(Array.from({ length: clients }, () => ({}))),
  message: (i, n) => ({ event: 'message.send', payload: { clientMessageId: `c${i}-${n}`, text: 'hello' } }),
  isOk: isOkAck,
  memory: async (socket) => (await emitWithAck(socket, 'bench.memory')) as MemoryReport,
};

/**
 * Parley's `/visitor` namespace (docs/live-chat.md, docs/asyncapi.yaml): one published bot with the
 * text-input loop flow, one session per client started over REST (`POST /api/v1/bots/{publicId}/sessions`),
 * `auth: { token: sessionToken }`; `message.send { clientMessageId, text }` is acked
 * `{ ok: true, message, turn }` once the visitor's message and the bot's answer are stored.
 * The app's RSS is read from /proc (the app has no memory event).
 */
export const parleyTarget: SocketTarget = {
  name: 'parley /visitor',
  namespace: '/visitor',
  async prepare(baseUrl, clients) {
    const publicId = await createPublishedLoopBot(baseUrl);
    const sessions = await startSessions(baseUrl, publicId, clients);
    return sessions.map((s) => ({ token: s.sessionToken }));
  },
  // clientMessageId is unique per session (one session per client).
  message: (i, n) => ({ event: 'message.send', payload: { clientMessageId: `c${i}-${n}`, text: 'hello' } }),
  isOk: (ack) =>
    isOkAck(ack) &&
    Array.isArray((ack as { turn?: { messages?: unknown } }).turn?.messages) &&
    typeof (ack as { message?: unknown }).message === 'object',
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
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      socket.close();
      reject(error);
    });
  });
}

export interface SocketLoadResult {
  readonly target: string;
  readonly clients: number;
  readonly connected: number;
  readonly prepareSeconds: number;
  readonly connectPerSecond: number;
  readonly messages: number;
  readonly messagesPerSecond: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly failures: number;
  /** Failures by cause: `connect: <message>`, `ack: <error code>`, `ack timeout`, `disconnect: <reason>`. */
  readonly failuresByCause: Record<string, number>;
  readonly bytesPerSocket: number | undefined;
  /** The server process's CPU time (user + system) per acked message while messaging, when its pid is known. */
  readonly serverCpuMsPerMessage: number | undefined;
  /** The server's warn/error log lines during the run (when it was started here), the first 20. */
  readonly serverWarnings: readonly string[];
}

export async function runSocketLoad(
  url: string,
  target: SocketTarget,
  clients: number,
  durationSeconds: number,
  batch: number,
  serverPid?: number,
): Promise<SocketLoadResult> {
  const causes = new Map<string, number>();
  const fail = (cause: string): void => void causes.set(cause, (causes.get(cause) ?? 0) + 1);

  const progress = (what: string): void => void process.stderr.write(`[${target.name}] ${what}\n`);
  progress(`preparing ${clients} clients`);
  const prepareStart = performance.now();
  const auths = await target.prepare(url, clients);
  const prepareSeconds = (performance.now() - prepareStart) / 1000;
  // Without the server's pid, its memory comes through a probe socket (the bare server's `bench.memory`).
  const probe = serverPid === undefined && target.memory ? await connect(url, target, auths[0] ?? {}) : undefined;
  const memory = async (): Promise<number | undefined> =>
    serverPid !== undefined ? rssOf(serverPid) : probe && target.memory ? (await target.memory(probe)).rss : undefined;
  const before = await memory();
  progress(`prepared in ${((performance.now() - prepareStart) / 1000).toFixed(1)}s; connecting`);

  const sockets: Socket[] = [];
  let measuring = false;
  const connectStart = performance.now();
  for (let from = 0; from < clients; from += batch) {
    const opened = await Promise.allSettled(auths.slice(from, from + batch).map((auth) => connect(url, target, auth)));
    for (const result of opened) {
      if (result.status === 'fulfilled') {
        const socket = result.value;
        socket.on('disconnect', (reason) => {
          if (measuring) fail(`disconnect: ${reason}`);
        });
        sockets.push(socket);
      } else {
        const error = result.reason as Error & { data?: { code?: string } };
        fail(`connect: ${error.data?.code ?? error.message}`);
      }
    }
  }
  const connectSeconds = (performance.now() - connectStart) / 1000;
  const after = await memory();
  progress(`${sockets.length} connected in ${connectSeconds.toFixed(1)}s; messaging for ${durationSeconds}s`);

  const latencies: number[] = [];
  const until = performance.now() + durationSeconds * 1000;
  const loop = async (socket: Socket, i: number): Promise<void> => {
    for (let n = 0; performance.now() < until && socket.connected; n++) {
      const { event, payload } = target.message(i, n);
      const sent = performance.now();
      try {
        const ack = await emitWithAck(socket, event, payload);
        if (target.isOk(ack)) latencies.push(performance.now() - sent);
        else fail(`ack: ${(ack as { error?: { code?: string } } | null)?.error?.code ?? JSON.stringify(ack)}`);
      } catch {
        fail('ack timeout');
      }
    }
  };
  measuring = true;
  const cpuBefore = serverPid === undefined ? undefined : cpuMsOf(serverPid);
  const messagingStart = performance.now();
  await Promise.all(sockets.map((socket, i) => loop(socket, i)));
  const messagingSeconds = (performance.now() - messagingStart) / 1000;
  measuring = false;
  const cpuMs = serverPid === undefined || cpuBefore === undefined ? undefined : cpuMsOf(serverPid) - cpuBefore;
  progress(`${latencies.length} acks in ${messagingSeconds.toFixed(1)}s`);
  for (const socket of sockets) socket.close();
  probe?.close();

  latencies.sort((a, b) => a - b);
  return {
    target: target.name,
    clients,
    connected: sockets.length,
    prepareSeconds,
    connectPerSecond: sockets.length / connectSeconds,
    messages: latencies.length,
    messagesPerSecond: latencies.length / messagingSeconds,
    p50ms: percentile(latencies, 50),
    p99ms: percentile(latencies, 99),
    failures: [...causes.values()].reduce((a, b) => a + b, 0),
    failuresByCause: Object.fromEntries(causes),
    bytesPerSocket:
      before !== undefined && after !== undefined && sockets.length > 0 ? (after - before) / sockets.length : undefined,
    serverCpuMsPerMessage: cpuMs === undefined || latencies.length === 0 ? undefined : cpuMs / latencies.length,
    serverWarnings: [],
  };
}

export interface SocketLoad {
  readonly clients: number;
  readonly durationSeconds: number;
  readonly batch: number;
}

export const socketLoadFromEnv = (defaultClients: number): SocketLoad => ({
  clients: Number(process.env.SOCKET_CLIENTS ?? defaultClients),
  durationSeconds: Number(process.env.SOCKET_DURATION ?? 10),
  batch: Number(process.env.SOCKET_CONNECT_BATCH ?? 200),
});

/** Refuses early when the open-file limit cannot hold every socket on both sides (plus headroom). */
function checkOpenFiles(clients: number): void {
  const needed = 2 * clients + 500;
  const limit = openFileLimit();
  if (limit < needed) {
    throw new Error(
      `ulimit -n is ${limit}; ${clients} sockets need about ${needed} (client and server each hold one per socket). ` +
        'Raise it in this shell first: ulimit -n 65536 (at most `ulimit -Hn`).',
    );
  }
}

/**
 * The bare Socket.IO echo server, then Parley's /visitor, with the same load, one after the other.
 * `app` is a running app (run.ts's); without it one is started (and stopped) here.
 */
export async function compareSockets(load: SocketLoad, app?: Server): Promise<SocketLoadResult[]> {
  checkOpenFiles(load.clients);
  const results: SocketLoadResult[] = [];
  const bare = await startServer('dist/bench/bare-socket-server.js', { PORT: '0' });
  try {
    results.push(await runSocketLoad(bare.url, bareTarget, load.clients, load.durationSeconds, load.batch, bare.pid));
  } finally {
    await bare.stop();
  }
  const parley = app ?? (await startApp('info'));
  try {
    const seen = parley.warnings().length;
    const result = await runSocketLoad(
      parley.url,
      parleyTarget,
      load.clients,
      load.durationSeconds,
      load.batch,
      parley.pid,
    );
    results.push({ ...result, serverWarnings: parley.warnings().slice(seen, seen + 20) });
  } finally {
    if (!app) await parley.stop();
  }
  return results;
}

const kib = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : (bytes / 1024).toFixed(1));

/** Prints the comparison as a Markdown table (ratio = Parley/bare messages/s), then failure causes and warnings. */
export function printSocketTable(load: SocketLoad, results: readonly SocketLoadResult[]): void {
  const bare = results.find((r) => r.target === bareTarget.name);
  console.log(
    `\nsockets: ${load.clients} clients (websocket, ${load.batch} connecting at a time), ${load.durationSeconds}s of messaging\n`,
  );
  console.log(
    '| target | connected | connect/s | msg/s | p50 ms | p99 ms | KiB/socket (RSS) | errors | ratio parley/bare (msg/s) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const ratio = r.target !== bareTarget.name && bare ? (r.messagesPerSecond / bare.messagesPerSecond).toFixed(3) : '';
    console.log(
      `| ${r.target} | ${r.connected}/${r.clients} | ${r.connectPerSecond.toFixed(0)} | ${r.messagesPerSecond.toFixed(0)} | ` +
        `${r.p50ms.toFixed(1)} | ${r.p99ms.toFixed(1)} | ${kib(r.bytesPerSocket)} | ${r.failures} | ${ratio} |`,
    );
  }
  for (const r of results) {
    if (r.serverCpuMsPerMessage !== undefined) {
      console.log(`${r.target}: server CPU ${r.serverCpuMsPerMessage.toFixed(2)} ms per acked message`);
    }
    if (r.failures > 0) console.log(`${r.target} failures: ${JSON.stringify(r.failuresByCause)}`);
    if (r.serverWarnings.length > 0) console.log(`${r.target} server warnings:\n  ${r.serverWarnings.join('\n  ')}`);
  }
}

export function writeSocketResults(file: string, load: SocketLoad, results: readonly SocketLoadResult[]): void {
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(repoRoot, 'bench', 'results', file),
    JSON.stringify({ at: new Date().toISOString(), load, results }, null, 2),
  );
}

async function main(): Promise<void> {
  const load = socketLoadFromEnv(1000);
  const external = process.env.SOCKET_TARGET_URL;
  if (external) {
    checkOpenFiles(load.clients);
    const target = process.env.SOCKET_TARGET === 'parley' ? parleyTarget : bareTarget;
    const result = await runSocketLoad(external, target, load.clients, load.durationSeconds, load.batch);
    printSocketTable(load, [result]);
    return;
  }
  await resetDatabase();
  const results = await compareSockets(load);
  printSocketTable(load, results);
  writeSocketResults('socket-latest.json', load, results);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
