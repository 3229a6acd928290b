import { asOrganizationId, type OrganizationId } from '@/access/organization-id';
import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { type AppConfig, InjectConfig } from '@/config';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import { EventsPublisher } from '@/events/events.publisher';
import { SecretsVault } from '@/integrations/vault/secrets-vault';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';
import { enqueueDeliveries } from './webhook-jobs';
import { webhookPayloadOf } from './webhook-events';
import { retryDelayMs, RetryDeliveryError, verdictOf } from './webhook-retry';
import { type SendResult, WebhookSender } from './webhook-sender';
import { signatureHeader } from './webhook-signature';
import { type AttemptRecord, type DeliveryTarget, WebhooksRepository } from './webhooks.repository';

const USER_AGENT = 'Parley-Webhooks/1.0';
const SECRET_CACHE_SIZE = 10_000;

/**
 * The worker side of webhooks: the fan-out of a domain event into deliveries, and one attempt of a
 * delivery (sign, POST, record, retry or dead letter).
 */
@Injectable()
export class WebhookDeliverer {
  private readonly logger = new Logger(WebhookDeliverer.name);
  /** Opened secrets by sealed value (sealed values are unique: random IVs). */
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly sender: WebhookSender,
    private readonly vault: SecretsVault,
    private readonly events: EventsPublisher,
    @InjectTypedQueue('webhooks') private readonly queue: TypedQueue<'webhooks'>,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** One delivery per active subscription of the organization that takes the event's type. */
  async fanout(event: AnyDomainEvent): Promise<number> {
    if (event.organizationId === null) return 0;
    const organizationId = asOrganizationId(event.organizationId);
    const payload = webhookPayloadOf({ ...event, organizationId });
    const ids = await this.repo.fanout(organizationId, event.id, event.type, payload);
    await enqueueDeliveries(this.queue, this.config, organizationId, ids);
    return ids.length;
  }

  /**
   * Attempt `attempt` (1-based) of a delivery. Resolves on success (or when there is nothing left
   * to do); throws `RetryDeliveryError` for BullMQ to retry after the delay it carries, or
   * `UnrecoverableError` after the dead letter is recorded.
   */
  async deliver(organizationId: OrganizationId, deliveryId: string, attempt: number): Promise<string> {
    const target = await this.repo.deliveryTarget(organizationId, deliveryId);
    // Gone (subscription deleted) or already finished (a job that ran again after a crash).
    if (!target || target.status === 'succeeded' || target.status === 'failed') return 'skipped';
    const result = await this.send(target);
    const verdict = verdictOf(result.status, result.retryable, result.retryAfterMs);
    const settings = this.config.integrations.webhooks;
    const record = (status: AttemptRecord['status'], nextAttemptAt: Date | null = null): AttemptRecord => ({
      status,
      attempts: attempt,
      responseStatus: result.status ?? null,
      durationMs: result.durationMs,
      responseExcerpt: result.excerpt,
      error: status === 'succeeded' ? null : describe(result),
      nextAttemptAt,
    });
    if (verdict.kind === 'succeeded') {
      await this.repo.recordAttempt(organizationId, deliveryId, record('succeeded'));
      return 'succeeded';
    }
    if (verdict.kind === 'retry' && attempt < settings.maxAttempts) {
      const delay = retryDelayMs(
        attempt,
        { baseMs: settings.backoffBaseMs, maxMs: settings.backoffMaxMs },
        verdict.retryAfterMs,
      );
      await this.repo.recordAttempt(organizationId, deliveryId, record('retrying', new Date(Date.now() + delay)));
      throw new RetryDeliveryError(describe(result), delay);
    }
    await this.deadLetter(organizationId, target, record('failed'));
    throw new UnrecoverableError(describe(result));
  }

  private send(target: DeliveryTarget): Promise<SendResult> {
    const secrets = [this.open(target.secretSealed, target.subscriptionId)];
    if (target.previousSecretSealed && target.previousSecretExpiresAt && target.previousSecretExpiresAt > new Date()) {
      secrets.push(this.open(target.previousSecretSealed, target.subscriptionId));
    }
    const timestamp = Math.floor(Date.now() / 1000);
    return this.sender.post(
      target.url,
      {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'parley-signature': signatureHeader(secrets, timestamp, target.payload),
        'parley-delivery-id': target.id,
        'parley-event-type': target.eventType,
        'parley-event-id': target.eventId,
      },
      target.payload,
    );
  }

  /**
   * The last attempt failed: the delivery is `failed`, the subscription's failures in a row go up,
   * and at `WEBHOOK_DISABLE_AFTER_FAILURES` it is deactivated with `webhook.subscription_disabled`
   * in the outbox, all in one transaction.
   */
  private async deadLetter(organizationId: OrganizationId, target: DeliveryTarget, failed: AttemptRecord) {
    const threshold = this.config.integrations.webhooks.disableAfterFailures;
    const disabled = await this.repo.transaction(async (em) => {
      if (!(await this.repo.recordAttempt(organizationId, target.id, failed, em))) return false;
      const counted = await this.repo.countFailure(em, organizationId, target.subscriptionId);
      if (!counted?.active || counted.consecutiveFailures < threshold) return false;
      const reason = `${counted.consecutiveFailures} deliveries in a row failed; the last: ${failed.error ?? 'failed'}`;
      const disabledAt = await this.repo.disable(em, organizationId, target.subscriptionId, reason.slice(0, 1000));
      if (!disabledAt) return false;
      await this.events.publishIn(em, [
        this.events.event('webhook.subscription_disabled', organizationId, {
          subscriptionId: target.subscriptionId,
          url: counted.url,
          reason: reason.slice(0, 1000),
          consecutiveFailures: counted.consecutiveFailures,
          disabledAt: disabledAt.toISOString(),
        }),
      ]);
      return true;
    });
    if (disabled) this.logger.warn(`Webhook subscription ${target.subscriptionId} disabled after repeated failures`);
  }

  private open(sealed: string, subscriptionId: string): string {
    let secret = this.secrets.get(sealed);
    if (secret === undefined) {
      secret = this.vault.open(sealed, subscriptionId);
      if (this.secrets.size >= SECRET_CACHE_SIZE) this.secrets.clear();
      this.secrets.set(sealed, secret);
    }
    return secret;
  }
}

function describe(result: SendResult): string {
  if (result.error !== undefined) return result.error;
  const status = result.status ?? 0;
  if (status >= 300 && status < 400) return `the receiver answered ${status} (redirects are not followed)`;
  return `the receiver answered ${status}`;
}
