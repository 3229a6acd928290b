import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job, JobsOptions } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { type AppConfig, InjectConfig } from '@/config';
import type { EventJob, QueueName } from '@/queue/queue.registry';
import { typedQueueToken } from '@/queue/typed-queue';
import { type AnyDomainEvent, eventCatalogue, type EventType } from './event-catalogue';
import { OutboxConsumers } from './outbox-consumers';
import { eventSubscribers, subscriberJobId, subscribersOf } from './subscribers';

/** Events claimed per transaction. */
const BATCH_SIZE = 100;
/** Dispatched rows older than the retention are deleted at most this often per process, in batches. */
const PRUNE_EVERY_MS = 60_000;
const PRUNE_BATCH = 1_000;

interface OutboxRow {
  id: string;
  type: string;
  organization_id: string | null;
  occurred_at: Date;
  data: unknown;
}

interface EventQueue {
  add(name: string, data: EventJob, options: JobsOptions): Promise<Job>;
}

/**
 * Hands the outbox's events to their subscribers (worker processes only). Woken by `LISTEN outbox`
 * (a notification per committed insert) on a dedicated connection, and by polling every
 * `OUTBOX_POLL_INTERVAL_MS` in case a notification was missed (connection lost, PGlite). Each batch
 * is claimed `FOR UPDATE SKIP LOCKED` in a short transaction, so several workers share the work;
 * the batch consumers (`OutboxConsumers`: usage metering) run in that transaction, then one job per
 * (event, subscriber whose `when` accepts it) is enqueued with job id `<subscriber>-<eventId>`, then the rows are
 * marked dispatched and the transaction commits. A crash (or Redis failure) before the commit leaves
 * the rows to be claimed again: delivery is at least once, and the job id makes a redelivery a no-op
 * while BullMQ keeps the job.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private queues = new Map<QueueName, EventQueue>();
  private timer: NodeJS.Timeout | undefined;
  private listener: Client | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopping = false;
  private lastPrune = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
    private readonly consumers: OutboxConsumers,
  ) {}

  onApplicationBootstrap(): void {
    for (const { queue } of eventSubscribers) {
      this.queues.set(queue, this.moduleRef.get<EventQueue>(typedQueueToken(queue), { strict: false }));
    }
    this.timer = setInterval(() => this.wake(), this.config.queue.outbox.pollIntervalMs);
    this.timer.unref();
    void this.listen();
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.running;
  }

  /** Dispatches what is pending (coalesced: a wake during a run makes it go round once more). */
  wake(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once the outbox is drained (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.dispatchBatch()) === BATCH_SIZE && !this.stopping);
        if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) {
          this.lastPrune = Date.now();
          await this.prune();
        }
      } catch (error) {
        // Left in the outbox: the next notification or poll tries again.
        this.logger.warn(`Outbox dispatch failed, will retry: ${String(error)}`);
        return;
      }
    } while (this.again && !this.stopping);
  }

  /** Claims, enqueues and marks one batch; returns how many events it dispatched. */
  async dispatchBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const rows = await em.query<OutboxRow[]>(
        `SELECT id, type, organization_id, occurred_at, data FROM outbox_events
          WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      const events = rows.flatMap((row) => this.toEvent(row));
      for (const consumer of this.consumers.all()) await consumer.consume(em, events);
      await Promise.all(events.flatMap((event) => this.enqueue(event)));
      await em.query('UPDATE outbox_events SET dispatched_at = now() WHERE id = ANY($1::uuid[])', [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  /** The row as an event; none for a type this build does not know (marked dispatched, logged). */
  private toEvent(row: OutboxRow): AnyDomainEvent[] {
    if (!(row.type in eventCatalogue)) {
      this.logger.warn(`Outbox event ${row.id} has unknown type ${row.type}: marked dispatched, no subscriber`);
      return [];
    }
    const event = {
      id: row.id,
      type: row.type as EventType,
      occurredAt: new Date(row.occurred_at).toISOString(),
      organizationId: row.organization_id,
      data: row.data,
    } as AnyDomainEvent;
    return [event];
  }

  private enqueue(event: AnyDomainEvent): Promise<Job>[] {
    return subscribersOf(event).map((subscriber) =>
      this.queues
        .get(subscriber.queue)!
        .add(
          subscriber.job,
          { organizationId: event.organizationId, event },
          { jobId: subscriberJobId(subscriber.name, event.id) },
        ),
    );
  }

  /** Deletes events dispatched longer ago than `OUTBOX_RETENTION_HOURS`; returns how many. */
  async prune(): Promise<number> {
    let total = 0;
    for (;;) {
      const result = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM outbox_events WHERE id IN (
           SELECT id FROM outbox_events
            WHERE dispatched_at IS NOT NULL AND dispatched_at <= now() - make_interval(hours => $1)
            LIMIT $2)`,
        [this.config.queue.outbox.retentionHours, PRUNE_BATCH],
      );
      const count = result[1] ?? 0;
      total += count;
      if (count < PRUNE_BATCH) return total;
    }
  }

  /**
   * LISTEN on a connection of its own, re-established after a failure (polling covers the gap).
   * Not with a pool of one (embedded PGlite is a single connection): polling only.
   */
  private async listen(): Promise<void> {
    if (this.stopping || this.config.database.poolSize <= 1) return;
    const client = new Client({
      connectionString: this.config.database.url,
      application_name: `parley-${this.config.role.name}-outbox`,
    });
    let lost = false;
    const onLost = (error?: unknown): void => {
      if (lost || this.listener !== client) return;
      lost = true;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      if (this.stopping) return;
      this.logger.warn(
        `Outbox LISTEN connection lost (${error instanceof Error ? error.message : 'closed'}); polling until it is back`,
      );
      setTimeout(() => void this.listen(), this.config.queue.outbox.pollIntervalMs).unref();
    };
    this.listener = client;
    client.on('notification', () => this.wake());
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query('LISTEN outbox');
      this.wake(); // what was committed while not listening
    } catch (error) {
      onLost(error);
    }
  }
}
