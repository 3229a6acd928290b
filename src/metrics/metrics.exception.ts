import { DomainException } from '@/common/errors/domain.exception';

/** 401: METRICS_TOKEN is set and the scrape did not send it as a bearer token. */
export class MetricsUnauthorized extends DomainException {
  constructor() {
    super({
      code: 'metrics.unauthorized',
      status: 401,
      detail: 'Send the METRICS_TOKEN as a bearer token.',
      headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
    });
  }
}
