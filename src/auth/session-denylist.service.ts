import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppConfig, InjectConfig } from '@/config';
import { InjectRedis } from '@/redis/redis.module';

/**
 * Sessions that were logged out or revoked while their access tokens are still unexpired. Kept in
 * Redis (shared by every API process) for as long as such a token can live.
 */
@Injectable()
export class SessionDenylist {
  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private key(sessionId: string): string {
    return `auth:denied-session:${sessionId}`;
  }

  /** Deny `sessionId` for `seconds` (default: the access-token lifetime plus skew). */
  async deny(sessionId: string, seconds = this.config.auth.accessTokenTtlSeconds + 60): Promise<void> {
    await this.redis.set(this.key(sessionId), '1', 'EX', seconds);
  }

  async denyAll(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const ttl = this.config.auth.accessTokenTtlSeconds + 60;
    const pipeline = this.redis.pipeline();
    for (const id of sessionIds) pipeline.set(this.key(id), '1', 'EX', ttl);
    await pipeline.exec();
  }

  async isDenied(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(sessionId))) === 1;
  }

  /** Refuse every token of the user issued before now (SSO logout that names no session). */
  async denyUserTokensBefore(userId: string, seconds = 24 * 3600): Promise<void> {
    await this.redis.set(`auth:user-logout:${userId}`, String(Math.floor(Date.now() / 1000)), 'EX', seconds);
  }

  /** Whether a token issued at `issuedAt` (seconds) predates such a logout. */
  async userTokenDenied(userId: string, issuedAt: number | undefined): Promise<boolean> {
    const loggedOutAt = await this.redis.get(`auth:user-logout:${userId}`);
    return loggedOutAt !== null && (issuedAt ?? 0) <= Number(loggedOutAt);
  }
}
