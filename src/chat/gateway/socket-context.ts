import type { Socket } from 'socket.io';

/** The client's IP: the first X-Forwarded-For hop behind a trusted proxy, else the peer address. */
export function clientIpOf(socket: Pick<Socket, 'handshake'>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = socket.handshake.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return socket.handshake.address;
}

/** The handshake's Origin header, if any. */
export function originOf(socket: Pick<Socket, 'handshake'>): string | undefined {
  const origin = socket.handshake.headers.origin;
  return typeof origin === 'string' && origin.length > 0 ? origin : undefined;
}

/** A string field of the handshake's `auth` payload. */
export function authField(socket: Pick<Socket, 'handshake'>, name: string): string | undefined {
  const auth: unknown = socket.handshake.auth;
  if (!auth || typeof auth !== 'object') return undefined;
  const value = (auth as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** At most one event per `intervalMs` per key (typing indicators). */
export class Throttle {
  private readonly last = new Map<string, number>();
  constructor(private readonly intervalMs: number) {}

  allow(key: string, now = Date.now()): boolean {
    const previous = this.last.get(key);
    if (previous !== undefined && now - previous < this.intervalMs) return false;
    this.last.set(key, now);
    return true;
  }

  forget(key: string): void {
    this.last.delete(key);
  }
}

/** A fixed-window counter per socket (a fallback guard; the chat API's Redis limits apply first). */
export class Window {
  private count = 0;
  private started = 0;
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  hit(now = Date.now()): boolean {
    if (now - this.started >= this.windowMs) {
      this.started = now;
      this.count = 0;
    }
    this.count++;
    return this.count <= this.limit;
  }
}
