import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@/config';
import { type Page, toPage } from '@/common/pagination/keyset';
import { newId } from '@/database/base.entity';
import { SecretsVault } from '@/integrations/vault/secrets-vault';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';
import {
  type CreateWebhookDto,
  type RotateWebhookSecretDto,
  toWebhookDeliveryDetailDto,
  toWebhookDeliveryDto,
  toWebhookDto,
  type UpdateWebhookDto,
  type WebhookDeliveriesQueryDto,
  type WebhookDeliveryDetailDto,
  type WebhookDeliveryDto,
  type WebhookDto,
  type WebhookEventTypesDto,
  type WebhookWithSecretDto,
} from './dto/webhook.dto';
import type { WebhookSubscriptionEntity } from './entities/webhook.entity';
import { enqueueDeliveries } from './webhook-jobs';
import { PING_EVENT_TYPE, payloadSchemaRefs, pingPayload, webhookEventTypes } from './webhook-events';
import { WebhookSender } from './webhook-sender';
import { newWebhookSecret } from './webhook-signature';
import { WebhookDeliveryNotFound, WebhookNotFound, WebhookUrlRefused } from './webhooks.exception';
import { WebhooksRepository } from './webhooks.repository';

const DEFAULT_OVERLAP_SECONDS = 86_400;

/** Webhook subscriptions (org admins), their delivery log, test pings and replays. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly vault: SecretsVault,
    private readonly sender: WebhookSender,
    @InjectTypedQueue('webhooks') private readonly queue: TypedQueue<'webhooks'>,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  eventTypes(): WebhookEventTypesDto {
    return {
      items: [...webhookEventTypes, PING_EVENT_TYPE].map((type) => ({ type, payloadSchema: payloadSchemaRefs[type]! })),
    };
  }

  async list(organizationId: OrganizationId, limit: number, cursor?: string): Promise<Page<WebhookDto>> {
    return toPage(await this.repo.listSubscriptions(organizationId, limit, cursor), limit, toWebhookDto);
  }

  async get(organizationId: OrganizationId, id: string): Promise<WebhookDto> {
    return toWebhookDto(await this.subscription(organizationId, id));
  }

  async create(
    organizationId: OrganizationId,
    userId: string | null,
    dto: CreateWebhookDto,
  ): Promise<WebhookWithSecretDto> {
    this.checkUrl(dto.url);
    const id = newId();
    const secret = newWebhookSecret();
    const row = await this.repo.createSubscription(organizationId, {
      id,
      url: dto.url,
      eventTypes: dto.eventTypes.includes('*') ? ['*'] : dto.eventTypes,
      description: dto.description ?? null,
      active: dto.active ?? true,
      secretSealed: this.vault.seal(secret, id),
      createdById: userId,
    });
    return { ...toWebhookDto(row), secret };
  }

  async update(organizationId: OrganizationId, id: string, dto: UpdateWebhookDto): Promise<WebhookDto> {
    const current = await this.subscription(organizationId, id);
    if (dto.url !== undefined) this.checkUrl(dto.url);
    const reactivated = dto.active === true && !current.active;
    await this.repo.updateSubscription(organizationId, id, {
      ...(dto.url !== undefined ? { url: dto.url } : {}),
      ...(dto.eventTypes !== undefined ? { eventTypes: dto.eventTypes.includes('*') ? ['*'] : dto.eventTypes } : {}),
      ...(dto.description !== undefined ? { description: dto.description } : {}),
      ...(dto.active !== undefined ? { active: dto.active } : {}),
      ...(reactivated ? { consecutiveFailures: 0, disabledAt: null, disabledReason: null } : {}),
    });
    return this.get(organizationId, id);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<void> {
    if (!(await this.repo.deleteSubscription(organizationId, id))) throw new WebhookNotFound(id);
  }

  /**
   * A new secret, returned once. The previous one keeps signing (a second `v1`) for
   * `overlapSeconds` (default a day) so receivers can switch without losing deliveries.
   */
  async rotateSecret(
    organizationId: OrganizationId,
    id: string,
    dto: RotateWebhookSecretDto,
  ): Promise<WebhookWithSecretDto> {
    const current = await this.subscription(organizationId, id);
    const overlap = dto.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
    const secret = newWebhookSecret();
    await this.repo.updateSubscription(organizationId, id, {
      secretSealed: this.vault.seal(secret, id),
      previousSecretSealed: overlap > 0 ? current.secretSealed : null,
      previousSecretExpiresAt: overlap > 0 ? new Date(Date.now() + overlap * 1000) : null,
    });
    return { ...(await this.get(organizationId, id)), secret };
  }

  /** Sends a `ping` now (whether the subscription is active or not). */
  async test(organizationId: OrganizationId, id: string): Promise<WebhookDeliveryDto> {
    await this.subscription(organizationId, id);
    const eventId = newId();
    const deliveryId = await this.repo.insertDelivery(organizationId, {
      subscriptionId: id,
      eventId,
      eventType: PING_EVENT_TYPE,
      payload: pingPayload(eventId, organizationId, id),
    });
    return this.enqueued(organizationId, id, deliveryId);
  }

  /** A new delivery (new id, `replayOf`) of the same event and body, sent now. */
  async replay(organizationId: OrganizationId, id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    await this.subscription(organizationId, id);
    const original = await this.repo.findDelivery(organizationId, id, deliveryId);
    if (!original) throw new WebhookDeliveryNotFound(deliveryId);
    const replayId = await this.repo.insertDelivery(organizationId, {
      subscriptionId: id,
      eventId: original.eventId,
      eventType: original.eventType,
      payload: original.payload,
      replayOf: original.id,
    });
    return this.enqueued(organizationId, id, replayId);
  }

  async deliveries(
    organizationId: OrganizationId,
    id: string,
    query: WebhookDeliveriesQueryDto,
  ): Promise<Page<WebhookDeliveryDto>> {
    await this.subscription(organizationId, id);
    const rows = await this.repo.listDeliveries(
      organizationId,
      id,
      { status: query.status, eventType: query.eventType },
      query.limit,
      query.cursor,
    );
    return toPage(rows, query.limit, toWebhookDeliveryDto);
  }

  async delivery(organizationId: OrganizationId, id: string, deliveryId: string): Promise<WebhookDeliveryDetailDto> {
    await this.subscription(organizationId, id);
    const row = await this.repo.findDelivery(organizationId, id, deliveryId);
    if (!row) throw new WebhookDeliveryNotFound(deliveryId);
    return toWebhookDeliveryDetailDto(row);
  }

  private async enqueued(organizationId: OrganizationId, id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    const row = await this.repo.findDelivery(organizationId, id, deliveryId);
    if (!row) throw new WebhookDeliveryNotFound(deliveryId);
    await enqueueDeliveries(this.queue, this.config, organizationId, [deliveryId]);
    return toWebhookDeliveryDto(row);
  }

  private async subscription(organizationId: OrganizationId, id: string): Promise<WebhookSubscriptionEntity> {
    const row = await this.repo.findSubscription(organizationId, id);
    if (!row) throw new WebhookNotFound(id);
    return row;
  }

  /** An IP-literal or localhost URL is refused up front when private networks are not allowed. */
  private checkUrl(url: string): void {
    if (!this.sender.literalAllowed(new URL(url))) throw new WebhookUrlRefused();
  }
}
