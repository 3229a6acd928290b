import { BullModule } from '@nestjs/bullmq';
import {
  type DynamicModule,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type Provider,
  type Type,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { type AppConfig, APP_CONFIG, InjectConfig } from '@/config';
import { queueNames, type QueueName } from './queue.registry';
import { SystemProcessor } from './system.processor';
import { defaultJobOptions, typedQueueProvider } from './typed-queue';
import { TypedWorkerHost } from './typed-worker-host';
import { applyWorkerSettings, workerSettingsOf } from './worker-options';

const WORKER_SETTINGS = Symbol('WORKER_SETTINGS');

/** Processors only exist in processes that run workers (`APP_ROLE` worker or all). */
export const workerProviders = (config: AppConfig, processors: readonly Type[]): Provider[] =>
  config.role.worker ? [...processors] : [];

/** Fails the boot of a worker process when a queue has no processor, or more than one. */
@Injectable()
export class JobHandlersCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobHandlersCheck.name);

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.role.worker) return;
    const counts = new Map<QueueName, number>(queueNames.map((name) => [name, 0]));
    const settings = workerSettingsOf(this.config);
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof TypedWorkerHost) {
        const queue = (instance as TypedWorkerHost<QueueName>).queue;
        counts.set(queue, (counts.get(queue) ?? 0) + 1);
        const opts = instance.worker.opts;
        if (Object.entries(settings).some(([key, value]) => opts[key as keyof typeof settings] !== value)) {
          throw new Error(
            `The processor of queue "${queue}" must be declared with @Processor('${queue}', workerOptions)`,
          );
        }
      }
    }
    const wrong = [...counts].filter(([, count]) => count !== 1);
    if (wrong.length > 0) {
      throw new Error(`Every queue needs exactly one processor: ${wrong.map(([q, c]) => `${q} has ${c}`).join(', ')}`);
    }
    this.logger.log(`Workers running for queues: ${queueNames.join(', ')}`);
  }
}

/**
 * BullMQ wiring: the connection and key prefix from config, the queues of the registry with typed
 * producers, and the platform's own `system` processor.
 */
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    const queues = BullModule.registerQueue(...queueNames.map((name) => ({ name })));
    return {
      module: QueueModule,
      global: true,
      imports: [
        DiscoveryModule,
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => ({
            connection: {
              url: c.redis.url,
              connectionName: `parley-bullmq-${c.role.name}`,
              // Reconnect within 2 s of Redis coming back (BullMQ's default backs off to 20 s).
              retryStrategy: (times: number) => Math.min(500 * times, 2_000),
            },
            prefix: c.redis.keyPrefix,
            defaultJobOptions,
          }),
        }),
        queues,
      ],
      providers: [
        ...queueNames.map(typedQueueProvider),
        // Runs while providers are created, i.e. before @nestjs/bullmq creates the workers (onModuleInit).
        { provide: WORKER_SETTINGS, inject: [APP_CONFIG], useFactory: applyWorkerSettings },
        JobHandlersCheck,
        ...workerProviders(config, [SystemProcessor]),
      ],
      exports: [queues, ...queueNames.map(typedQueueProvider)],
    };
  }
}
