import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '@/metrics/metrics.service';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';

/** The built-in `metrics` subscriber: counts every domain event by type, and logs its envelope. */
@Processor('events', workerOptions)
export class EventsProcessor extends TypedWorkerHost<'events'> {
  readonly queue = 'events' as const;
  private readonly logger = new Logger(EventsProcessor.name);
  private readonly counter: Counter<'type'>;

  constructor(metrics: MetricsService) {
    super();
    this.counter = new Counter({
      name: 'parley_domain_events_total',
      help: 'Domain events delivered to the built-in metrics subscriber, by type',
      labelNames: ['type'] as const,
      registers: [metrics.registry],
    });
  }

  protected readonly handlers: JobHandlers<'events'> = {
    record: async (job: TypedJob<'events', 'record'>) => {
      const { event } = job.data;
      this.counter.inc({ type: event.type });
      // The envelope only: some payloads carry tokens (see `eventCatalogue`).
      this.logger.log(`Event ${event.type} ${event.id} (organization ${event.organizationId ?? '-'})`);
      return Promise.resolve({ type: event.type, id: event.id });
    },
  };
}
