import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type AppConfig, InjectConfig } from '@/config';
import { InjectRedis } from '@/redis/redis.module';
import { VisitorRateLimited, type VisitorLimitScope } from './executions.exception';

/**
 * The client a counter is kept for: the IPv4 address, or the /64 network of an IPv6 address (one
 * subscriber usually holds a whole /64, so counting single addresses would be trivial to dodge).
 */
export function clientKeyOf(ip: string): string {
  const address = ip.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/** Waits for two checks run side by side; the first one's refusal wins when both refuse. */
async function both(first: Promise<void>, second: Promise<void>): Promise<void> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
}

/**
 * Rate limits of the public chat routes, with counters in Redis so every API process shares them:
 * session starts per client IP and per bot, messages (and resumes) per client IP and per session.
 * A request over a limit gets a 429 problem with `Retry-After`; the window is fixed and a client
 * over it stays blocked until its window ends. (Counting is @nest-lab/throttler-storage-redis's
 * atomic script, the one sign-in throttling uses.)
 */
@Injectable()
export class VisitorRateLimit {
  private readonly storage: ThrottlerStorageRedisService;

  constructor(
    // The app's shared client (keys under `<prefix>:app:`); the storage does not own it.
    @InjectRedis() redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.storage = new ThrottlerStorageRedisService(redis);
  }

  /** Before starting a session: counts the client IP, then the bot. */
  async start(ip: string, publicId: string): Promise<void> {
    const limits = this.config.executions.visitorLimits;
    // Both counters in one round trip (the IP's refusal wins when both are over).
    // (Public ids are at most 32 characters: a longer path segment names no bot, and keys stay short.)
    await both(
      this.hit('ip', 'start-ip', clientKeyOf(ip), limits.startsPerIp),
      this.hit('bot', 'start-bot', publicId.slice(0, 64), limits.startsPerBot),
    );
  }

  /** Before a message or a resume of a session: counts the client IP, then the session. */
  async message(ip: string, sessionId: string): Promise<void> {
    const limits = this.config.executions.visitorLimits;
    await both(
      this.hit('ip', 'message-ip', clientKeyOf(ip), limits.messagesPerIp),
      this.hit('session', 'message-session', sessionId, limits.messagesPerSession),
    );
  }

  private async hit(scope: VisitorLimitScope, counter: string, id: string, limit: number): Promise<void> {
    if (limit === 0) return;
    const windowMs = this.config.executions.visitorLimits.windowSeconds * 1000;
    const record = await this.storage.increment(`chat:${id}`, windowMs, limit, windowMs, counter);
    if (record.isBlocked) throw new VisitorRateLimited(scope, Math.max(1, record.timeToBlockExpire));
  }
}
