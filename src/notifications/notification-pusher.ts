import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import { type AgentServerToClient, rooms } from '@/chat/gateway/socket-events';
import { type AppConfig, InjectConfig } from '@/config';
import { redisClientOptions } from '@/redis/redis.module';
import type { NotificationDto } from './dto/notification.dto';

type NotificationEvents = Pick<AgentServerToClient, 'notification.created'>;

/**
 * Pushes `notification.created` to a user's `/agent` room from any process, API or worker: a
 * worker has no Socket.IO server, so this publishes on the Socket.IO Redis adapter's channel (same
 * key as `RedisIoAdapter`: `<REDIS_KEY_PREFIX>:socket.io`) and the API processes deliver it. Best
 * effort: a push lost while Redis is down is logged; the stored notification is what counts (the
 * dashboard lists it and counts it unread).
 */
@Injectable()
export class NotificationPusher implements OnApplicationShutdown {
  private readonly logger = new Logger(NotificationPusher.name);
  private readonly client: Redis;
  private readonly emitter: Emitter<NotificationEvents>;

  constructor(@InjectConfig() config: AppConfig) {
    this.client = new Redis(config.redis.url, {
      ...redisClientOptions,
      connectionName: `parley-notifications-${config.role.name}`,
      lazyConnect: true,
    });
    this.client.on('error', (error: Error) => this.logger.warn(`Notifications Redis: ${error.message}`));
    // The emitter does not await its publishes: a failed one is logged, never an unhandled rejection.
    const publish = this.client.publish.bind(this.client);
    const guarded = {
      publish: (channel: string, message: string | Buffer): Promise<number> =>
        publish(channel, message).catch((error: unknown) => {
          this.logger.warn(`notification push failed: ${error instanceof Error ? error.message : String(error)}`);
          return 0;
        }),
    };
    this.emitter = new Emitter<NotificationEvents>(guarded, { key: `${config.redis.keyPrefix}:socket.io` });
  }

  /** Connects (once) before the first push, so the first one is not refused by the offline queue. */
  private async ready(): Promise<void> {
    if (this.client.status === 'wait') await this.client.connect().catch(() => undefined);
  }

  async created(organizationId: string, notifications: readonly { userId: string; dto: NotificationDto }[]) {
    if (notifications.length === 0) return;
    await this.ready();
    if (this.client.status !== 'ready') {
      this.logger.warn(`${notifications.length} notification push(es) lost: Redis is not connected`);
      return;
    }
    const agents = this.emitter.of('/agent');
    for (const { userId, dto } of notifications) {
      agents.to(rooms.user(organizationId, userId)).emit('notification.created', dto);
    }
  }

  /** Politely when connected; at once otherwise (never connected, or Redis down: no reconnecting on). */
  async onApplicationShutdown(): Promise<void> {
    if (this.client.status !== 'ready') return this.client.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
