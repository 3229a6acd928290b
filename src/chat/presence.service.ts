import type { OrganizationId } from '@/access/organization-id';
import { Injectable, Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { InjectRedis } from '@/redis/redis.module';

export const presenceStatuses = ['online', 'busy', 'offline'] as const;
export type PresenceStatus = (typeof presenceStatuses)[number];

/** How long a presence lasts without a heartbeat: a crashed agent process goes offline by itself. */
export const PRESENCE_TTL_SECONDS = 60;

/** Someone's presence changed in this process (`came online` triggers assignment of waiting conversations). */
export type PresenceListener = (organizationId: OrganizationId, userId: string, status: PresenceStatus) => void;

/**
 * Agents' presence in Redis, shared by every process: per organization a sorted set of user ids
 * scored by the time their presence expires, and the chosen status (`online`/`busy`) per user.
 * A heartbeat (the agent's socket, every `PRESENCE_TTL_SECONDS / 3`) pushes the expiry; a user whose
 * expiry passed counts as offline.
 */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger(PresenceService.name);
  private readonly listeners = new Set<PresenceListener>();

  constructor(@InjectRedis() private readonly redis: Redis) {}

  private keys(organizationId: OrganizationId) {
    return { seen: `presence:${organizationId}:seen`, status: `presence:${organizationId}:status` };
  }

  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sets a status (`offline` removes the presence); listeners hear it when it changed. */
  async set(organizationId: OrganizationId, userId: string, status: PresenceStatus): Promise<void> {
    const before = await this.statusOf(organizationId, userId);
    const { seen, status: statusKey } = this.keys(organizationId);
    if (status === 'offline') {
      await this.redis.multi().zrem(seen, userId).hdel(statusKey, userId).exec();
    } else {
      await this.redis
        .multi()
        .zadd(seen, Date.now() + PRESENCE_TTL_SECONDS * 1000, userId)
        .hset(statusKey, userId, status)
        .exec();
    }
    if (before !== status) this.changed(organizationId, userId, status);
  }

  /** Keeps a connected agent's presence alive; one who was offline comes back `online`. */
  async heartbeat(organizationId: OrganizationId, userId: string): Promise<void> {
    const before = await this.statusOf(organizationId, userId);
    const { seen, status } = this.keys(organizationId);
    const multi = this.redis.multi().zadd(seen, Date.now() + PRESENCE_TTL_SECONDS * 1000, userId);
    if (before === 'offline') multi.hset(status, userId, 'online');
    await multi.exec();
    if (before === 'offline') this.changed(organizationId, userId, 'online');
  }

  async statusOf(organizationId: OrganizationId, userId: string): Promise<PresenceStatus> {
    return (await this.statuses(organizationId, [userId])).get(userId) ?? 'offline';
  }

  /** The presence of each of `userIds` (offline when unknown or expired). */
  async statuses(organizationId: OrganizationId, userIds: readonly string[]): Promise<Map<string, PresenceStatus>> {
    const result = new Map<string, PresenceStatus>();
    if (userIds.length === 0) return result;
    const { seen, status } = this.keys(organizationId);
    const [expiries, chosen] = await Promise.all([
      this.redis.zmscore(seen, ...userIds),
      this.redis.hmget(status, ...userIds),
    ]);
    const now = Date.now();
    userIds.forEach((id, i) => {
      const expiry = expiries[i] === null || expiries[i] === undefined ? 0 : Number(expiries[i]);
      const s = chosen[i];
      result.set(id, expiry > now && (s === 'online' || s === 'busy') ? s : 'offline');
    });
    return result;
  }

  /** User ids whose presence is `online` now (not busy, not expired). */
  async online(organizationId: OrganizationId): Promise<string[]> {
    const { seen } = this.keys(organizationId);
    const alive = await this.redis.zrangebyscore(seen, Date.now(), '+inf');
    const statuses = await this.statuses(organizationId, alive);
    return alive.filter((id) => statuses.get(id) === 'online');
  }

  private changed(organizationId: OrganizationId, userId: string, status: PresenceStatus): void {
    for (const listener of this.listeners) {
      try {
        listener(organizationId, userId, status);
      } catch (error) {
        this.logger.error(`A presence listener failed: ${String(error)}`);
      }
    }
  }
}
