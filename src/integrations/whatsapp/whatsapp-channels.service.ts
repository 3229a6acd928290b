import type { OrganizationId } from '@/access/organization-id';
import { Injectable, Logger } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Quotas } from '@/billing/billing.contracts';
import { isRedisUnavailable } from '@/common/errors/dependency-errors';
import { type Page, toPage } from '@/common/pagination/keyset';
import { type AppConfig, InjectConfig } from '@/config';
import { newId } from '@/database/base.entity';
import { isUniqueViolation } from '@/database/postgres-errors';
import { SecretsVault } from '@/integrations/vault/secrets-vault';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';
import {
  type CreateWhatsAppChannelDto,
  toWhatsAppChannelDto,
  toWhatsAppTemplateDto,
  type UpdateWhatsAppChannelDto,
  type WhatsAppChannelDto,
  type WhatsAppTemplateDto,
  type WhatsAppTemplatesQueryDto,
} from './dto/whatsapp-channel.dto';
import type { WhatsAppChannelEntity } from './entities/whatsapp-channel.entity';
import { WhatsAppGraphClient } from './whatsapp-graph.client';
import { readNotification } from './whatsapp-messages';
import { WhatsAppRepository } from './whatsapp.repository';
import {
  WhatsAppChannelNotFound,
  WhatsAppChatbotNotFound,
  WhatsAppPhoneNumberTaken,
  WhatsAppSignatureInvalid,
  WhatsAppVerifyTokenMismatch,
} from './whatsapp.exception';

/** A channel with its secrets opened, for the Graph API (never returned, never logged). */
export interface OpenedChannel {
  readonly channel: WhatsAppChannelEntity;
  readonly accessToken: string;
}

/**
 * WhatsApp numbers of an organization (org admins write, viewers read; secrets sealed and never
 * returned), their templates, and the public webhook's checks: Meta's verification and the
 * signature of notifications, which are queued (one `inbound` job per message or status, job id
 * from Meta's id) so the webhook answers at once.
 */
@Injectable()
export class WhatsAppChannelsService {
  private readonly logger = new Logger(WhatsAppChannelsService.name);

  constructor(
    private readonly repo: WhatsAppRepository,
    private readonly graph: WhatsAppGraphClient,
    private readonly vault: SecretsVault,
    @InjectTypedQueue('whatsapp') private readonly queue: TypedQueue<'whatsapp'>,
    @InjectConfig() private readonly config: AppConfig,
    private readonly quotas: Quotas,
  ) {}

  private dto(channel: WhatsAppChannelEntity): WhatsAppChannelDto {
    return toWhatsAppChannelDto(channel, this.config.integrations.publicUrl);
  }

  private async channel(organizationId: OrganizationId, id: string): Promise<WhatsAppChannelEntity> {
    const channel = await this.repo.find(organizationId, id);
    if (!channel) throw new WhatsAppChannelNotFound(id);
    return channel;
  }

  async list(organizationId: OrganizationId, limit: number, cursor?: string): Promise<Page<WhatsAppChannelDto>> {
    return toPage(await this.repo.listPage(organizationId, limit, cursor), limit, (c) => this.dto(c));
  }

  async get(organizationId: OrganizationId, id: string): Promise<WhatsAppChannelDto> {
    return this.dto(await this.channel(organizationId, id));
  }

  async create(organizationId: OrganizationId, dto: CreateWhatsAppChannelDto): Promise<WhatsAppChannelDto> {
    await this.quotas.assertAvailable(organizationId, 'whatsapp_numbers');
    if (dto.chatbotId && !(await this.repo.chatbotExists(organizationId, dto.chatbotId))) {
      throw new WhatsAppChatbotNotFound(dto.chatbotId);
    }
    const id = newId();
    try {
      await this.repo.transaction((em) =>
        this.repo.insert(em, {
          id,
          organizationId,
          phoneNumberId: dto.phoneNumberId,
          businessAccountId: dto.businessAccountId,
          accessTokenSealed: this.vault.seal(dto.accessToken, id),
          appSecretSealed: this.vault.seal(dto.appSecret, id),
          verifyToken: dto.verifyToken,
          chatbotId: dto.chatbotId ?? null,
          displayName: dto.displayName ?? null,
          displayPhoneNumber: null,
          qualityRating: null,
          templatesSyncedAt: null,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new WhatsAppPhoneNumberTaken(dto.phoneNumberId);
      throw error;
    }
    await this.enqueueRefresh(organizationId, id);
    return this.get(organizationId, id);
  }

  async update(organizationId: OrganizationId, id: string, dto: UpdateWhatsAppChannelDto): Promise<WhatsAppChannelDto> {
    await this.channel(organizationId, id);
    if (dto.chatbotId && !(await this.repo.chatbotExists(organizationId, dto.chatbotId))) {
      throw new WhatsAppChatbotNotFound(dto.chatbotId);
    }
    await this.repo.update(organizationId, id, {
      ...(dto.accessToken !== undefined ? { accessTokenSealed: this.vault.seal(dto.accessToken, id) } : {}),
      ...(dto.appSecret !== undefined ? { appSecretSealed: this.vault.seal(dto.appSecret, id) } : {}),
      ...(dto.verifyToken !== undefined ? { verifyToken: dto.verifyToken } : {}),
      ...(dto.chatbotId !== undefined ? { chatbotId: dto.chatbotId } : {}),
      ...(dto.displayName !== undefined ? { displayName: dto.displayName } : {}),
    });
    if (dto.accessToken !== undefined) await this.enqueueRefresh(organizationId, id);
    return this.get(organizationId, id);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<void> {
    if (!(await this.repo.delete(organizationId, id))) throw new WhatsAppChannelNotFound(id);
  }

  /** The number's verified name and quality rating, read in the background (a job). */
  private async enqueueRefresh(organizationId: OrganizationId, channelId: string): Promise<void> {
    await this.queue.add('refresh-number', { organizationId, channelId }, { attempts: 3 }).catch((error: unknown) => {
      this.logger[isRedisUnavailable(error) ? 'warn' : 'error'](`Refresh of channel ${channelId} not queued`);
    });
  }

  /** The channel with its access token, for the Graph API. */
  async open(organizationId: OrganizationId, id: string): Promise<OpenedChannel> {
    const channel = await this.channel(organizationId, id);
    return { channel, accessToken: this.vault.open(channel.accessTokenSealed, channel.id) };
  }

  async refreshNumber(organizationId: OrganizationId, id: string): Promise<void> {
    const { channel, accessToken } = await this.open(organizationId, id);
    const profile = await this.graph.phoneNumber(channel.phoneNumberId, accessToken);
    await this.repo.update(organizationId, id, {
      ...(profile.verifiedName ? { displayName: profile.verifiedName.slice(0, 200) } : {}),
      displayPhoneNumber: profile.displayPhoneNumber?.slice(0, 64) ?? null,
      qualityRating: profile.qualityRating?.slice(0, 32) ?? null,
    });
  }

  // ----------------------------------------------------------------------------- templates

  async requestTemplateSync(organizationId: OrganizationId, id: string): Promise<{ queued: boolean }> {
    await this.channel(organizationId, id);
    // One sync per channel at a time (a second request while one is queued joins it).
    await this.queue.add(
      'sync-templates',
      { organizationId, channelId: id },
      { jobId: `templates-${id}`, removeOnComplete: true, removeOnFail: true },
    );
    return { queued: true };
  }

  async syncTemplates(organizationId: OrganizationId, id: string): Promise<number> {
    const { channel, accessToken } = await this.open(organizationId, id);
    const templates = await this.graph.templates(channel.businessAccountId, accessToken);
    await this.repo.replaceTemplates(organizationId, id, templates);
    return templates.length;
  }

  async templates(
    organizationId: OrganizationId,
    id: string,
    query: WhatsAppTemplatesQueryDto,
  ): Promise<Page<WhatsAppTemplateDto>> {
    await this.channel(organizationId, id);
    const rows = await this.repo.listTemplates(
      organizationId,
      id,
      { ...(query.status ? { status: query.status } : {}), ...(query.language ? { language: query.language } : {}) },
      query.limit,
      query.cursor,
    );
    return toPage(rows, query.limit, toWhatsAppTemplateDto);
  }

  // ------------------------------------------------------------------------------- webhook

  /** Meta's verification request: the challenge when the mode and verify token are right. */
  async verify(channelId: string, mode: string | undefined, token: string | undefined, challenge: string | undefined) {
    const channel = await this.repo.findForWebhook(channelId);
    if (!channel) throw new WhatsAppChannelNotFound(channelId);
    if (mode !== 'subscribe' || token === undefined || !sameText(token, channel.verifyToken)) {
      throw new WhatsAppVerifyTokenMismatch();
    }
    return challenge ?? '';
  }

  /**
   * A notification: checked against the channel's app secret (`X-Hub-Signature-256` over the raw
   * bytes), then each message and status queued. Idempotent: the job id is Meta's id.
   */
  async receive(channelId: string, signature: string | undefined, raw: Buffer | undefined, body: unknown) {
    const channel = await this.repo.findForWebhook(channelId);
    if (!channel) throw new WhatsAppChannelNotFound(channelId);
    if (!signature || !raw) throw new WhatsAppSignatureInvalid();
    const secret = this.vault.open(channel.appSecretSealed, channel.id);
    const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    if (!sameText(signature.trim().toLowerCase(), expected)) throw new WhatsAppSignatureInvalid();
    const { messages, statuses } = readNotification(body);
    const organizationId = channel.organizationId;
    const jobs = [
      ...messages
        .filter((m) => m.phoneNumberId === channel.phoneNumberId)
        .map((message) => ({
          name: 'inbound' as const,
          data: { organizationId, channelId, kind: 'message' as const, message },
          opts: { jobId: `in-${channelId}-${jobKey(message.wamid)}` },
        })),
      ...statuses
        .filter((s) => s.phoneNumberId === channel.phoneNumberId)
        .map((status) => ({
          name: 'inbound' as const,
          data: { organizationId, channelId, kind: 'status' as const, status },
          opts: { jobId: `st-${channelId}-${jobKey(status.wamid)}-${status.status}` },
        })),
    ];
    for (const job of jobs) await this.queue.add(job.name, job.data, job.opts);
    return { accepted: jobs.length };
  }
}

/** Constant-time comparison of two strings. */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Meta's ids as a BullMQ job id part (no `:`). */
const jobKey = (wamid: string): string => wamid.replace(/[^A-Za-z0-9._=+/-]/g, '_').slice(0, 200);
