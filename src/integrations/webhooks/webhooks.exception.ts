import { DomainException } from '@/common/errors/domain.exception';

export class WebhookNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'webhook.not_found', status: 404, detail: `There is no webhook subscription ${id}.` });
  }
}

export class WebhookDeliveryNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'webhook.delivery_not_found', status: 404, detail: `There is no delivery ${id} of this webhook.` });
  }
}

/** The URL points at a private, loopback or link-local address and private networks are not allowed. */
export class WebhookUrlRefused extends DomainException {
  constructor() {
    super({
      code: 'webhook.url_refused',
      status: 400,
      detail: 'Webhooks to private networks are not allowed here (OUTBOUND_ALLOW_PRIVATE_NETWORKS).',
      errors: [{ field: 'url', message: 'must not point at a private, loopback or link-local address' }],
    });
  }
}
