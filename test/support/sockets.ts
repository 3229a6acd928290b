import { io, type Socket } from 'socket.io-client';
import type { TestApp } from './test-app';

/** What a connect error carries (`err.data`). */
export interface ConnectRefusal {
  readonly message: string;
  readonly data?: { code: string; message: string };
}

export type AnySocket = Socket;

const opened = new Set<Socket>();
/** Waits still running (`next`): cancelled by `closeSockets`, so no timer outlives a test. */
const waits = new Set<() => void>();

/** A socket.io client for `namespace` of the app (websocket transport, no reconnection). */
export function socketFor(
  t: Pick<TestApp, 'url'>,
  namespace: '/visitor' | '/agent',
  auth: Record<string, unknown>,
  options: { origin?: string } = {},
): Socket {
  const socket = io(`${t.url}${namespace}`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
    ...(options.origin ? { extraHeaders: { origin: options.origin } } : {}),
  });
  opened.add(socket);
  return socket;
}

/** Resolves when connected; rejects with the connect error. */
export function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error as unknown as Error));
  });
}

/** Connects and returns the socket. */
export async function connect(
  t: Pick<TestApp, 'url'>,
  namespace: '/visitor' | '/agent',
  auth: Record<string, unknown>,
  options: { origin?: string } = {},
): Promise<Socket> {
  return connected(socketFor(t, namespace, auth, options));
}

/** The connect error of a refused handshake. */
export function refusal(
  t: Pick<TestApp, 'url'>,
  namespace: '/visitor' | '/agent',
  auth: Record<string, unknown>,
  options: { origin?: string } = {},
): Promise<ConnectRefusal> {
  const socket = socketFor(t, namespace, auth, options);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected, expected a refusal')));
    socket.once('connect_error', (error) => resolve(error as unknown as ConnectRefusal));
  });
}

/** Emits with an ack and resolves with the answer. */
export function request<T = any>(socket: Socket, event: string, payload?: unknown): Promise<T> {
  return socket.timeout(10_000).emitWithAck(event, payload) as Promise<T>;
}

/** The next `event` on the socket (optionally the first that matches). */
export function next<T = any>(
  socket: Socket,
  event: string,
  matches: (payload: T) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cancel = (): void => {
      clearTimeout(timer);
      socket.off(event, listener);
      waits.delete(cancel);
    };
    const timer = setTimeout(() => {
      cancel();
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T): void => {
      if (!matches(payload)) return;
      cancel();
      resolve(payload);
    };
    waits.add(cancel);
    socket.on(event, listener);
  });
}

/** Collects every `event` from now on. */
export function collect<T = any>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Resolves with the disconnect reason. */
export function disconnected(socket: Socket, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (socket.disconnected && !socket.active) return resolve('already');
    const cancel = (): void => {
      clearTimeout(timer);
      socket.off('disconnect', onDisconnect);
      waits.delete(cancel);
    };
    const timer = setTimeout(() => {
      cancel();
      reject(new Error(`not disconnected within ${timeoutMs} ms`));
    }, timeoutMs);
    const onDisconnect = (reason: string): void => {
      cancel();
      resolve(reason);
    };
    waits.add(cancel);
    socket.on('disconnect', onDisconnect);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Closes every socket these helpers opened (afterAll/afterEach). */
export function closeSockets(): void {
  for (const cancel of [...waits]) cancel();
  for (const socket of opened) socket.disconnect();
  opened.clear();
}
