import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AnyDomainEvent } from './event-catalogue';

/**
 * A consumer run by the outbox dispatcher **inside the transaction that claims a batch**: what it
 * writes commits exactly when the batch is marked dispatched, so each event is consumed exactly
 * once, whatever the number of worker processes (they claim disjoint batches). For bookkeeping
 * that must be exact and cheap, such as usage metering: no job per event, one set-based statement
 * per batch. It must be fast and must not call the outside world; a throw rolls the batch back (it
 * is claimed again later), so it holds up every subscriber while it fails.
 */
export interface OutboxBatchConsumer {
  /** For logs. */
  readonly name: string;
  /** `events` are the claimed batch (≤ 100, any types, any organizations), in outbox order. */
  consume(em: EntityManager, events: readonly AnyDomainEvent[]): Promise<void>;
}

/** Where modules register their batch consumers (at `onModuleInit`); read by the dispatcher. */
@Injectable()
export class OutboxConsumers {
  private readonly consumers: OutboxBatchConsumer[] = [];

  register(consumer: OutboxBatchConsumer): void {
    if (this.consumers.some((c) => c.name === consumer.name)) {
      throw new Error(`Outbox batch consumer ${consumer.name} is registered twice`);
    }
    this.consumers.push(consumer);
  }

  all(): readonly OutboxBatchConsumer[] {
    return this.consumers;
  }
}
