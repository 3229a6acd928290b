import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type AppConfig, APP_CONFIG } from '@/config';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
export const InjectRedis = (): PropertyDecorator & ParameterDecorator => Inject(REDIS_CLIENT);

/**
 * Connection options shared by every Redis client of the app. Commands fail fast while Redis is
 * unreachable (no offline queue) and give up after `commandTimeout` when it is reachable but does
 * not answer, so request paths answer (503 `dependency.unavailable`, see `dependency-errors.ts`)
 * instead of hanging. The client reconnects on its own; nothing needs a restart.
 */
export const redisClientOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 5_000,
  commandTimeout: 2_000,
};

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@InjectRedis() private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One shared ioredis client for app code (health, rate limits, denylists); BullMQ has its own. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis(config.redis.url, {
          ...redisClientOptions,
          // Every key the app writes lives under the install's prefix, next to BullMQ's.
          keyPrefix: `${config.redis.keyPrefix}:app:`,
          connectionName: `parley-${config.role.name}`,
          // Commands issued in the same tick go out in one write (a chat message's two rate-limit
          // counters: one system call and one round trip instead of two).
          enableAutoPipelining: true,
        }),
    },
    RedisLifecycle,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
