import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { CommittedEvents } from '@/events/committed-events';
import { MetricsService } from '@/metrics/metrics.service';

/**
 * `parley_messages_total{sender,kind}`: messages stored by this process (bot bubbles, visitors'
 * replies, agents' messages and notes, activity lines), counted after commit. Messages are the
 * highest-volume event; counting them here spares a queued job per chat bubble.
 */
@Injectable()
export class MessageMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly counter: Counter<'sender' | 'kind'>;
  private off: (() => void) | undefined;

  constructor(
    metrics: MetricsService,
    private readonly committed: CommittedEvents,
  ) {
    this.counter = new Counter({
      name: 'parley_messages_total',
      help: 'Conversation messages stored, by sender type and kind',
      labelNames: ['sender', 'kind'] as const,
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    this.off = this.committed.on((events) => {
      for (const event of events) {
        if (event.type === 'message.created') {
          this.counter.inc({ sender: event.data.message.sender.type, kind: event.data.message.kind });
        }
      }
    });
  }

  onModuleDestroy(): void {
    this.off?.();
  }
}
