import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The app's Prometheus registry: default process metrics and HTTP request durations. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route template, method and status code',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Records one request; `route` is the template (`/api/v1/chatbots/:id`), never the raw URL. */
  observeRequest(route: string, method: string, statusCode: number, durationMs: number): void {
    this.httpDuration.observe({ route, method, status_code: String(statusCode) }, durationMs / 1000);
  }
}
