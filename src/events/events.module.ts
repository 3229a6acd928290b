import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@/config';
import { MetricsModule } from '@/metrics/metrics.module';
import { workerProviders } from '@/queue/queue.module';
import { CommittedEvents } from './committed-events';
import { EventsProcessor } from './events.processor';
import { EventsPublisher } from './events.publisher';
import { OutboxConsumers } from './outbox-consumers';
import { OutboxDispatcher } from './outbox.dispatcher';

/**
 * Domain events through a transactional outbox: `EventsPublisher` for every process (events are
 * written in the transaction of their change), the dispatcher and the built-in subscriber's
 * processor in worker processes. `OutboxConsumers` takes batch consumers that run inside the
 * dispatcher's claim transaction (usage metering).
 */
@Module({})
export class EventsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: EventsModule,
      global: true,
      imports: [MetricsModule],
      providers: [
        EventsPublisher,
        CommittedEvents,
        OutboxConsumers,
        ...workerProviders(config, [OutboxDispatcher, EventsProcessor]),
      ],
      exports: [EventsPublisher, CommittedEvents, OutboxConsumers],
    };
  }
}
