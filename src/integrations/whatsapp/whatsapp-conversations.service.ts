import { isQuotaRefusal } from '@/billing/billing.contracts';
import type { OrganizationId } from '@/access/organization-id';
import { Injectable, Logger } from '@nestjs/common';
import { ChannelContacts } from '@/chat/channel-contacts.service';
import { isUniqueViolation } from '@/database/postgres-errors';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import type { ChatTurn } from '@/executions/chat-view';
import {
  BotNotAvailable,
  InvalidReply,
  SessionEnded,
  SessionExpired,
  SessionNotFound,
} from '@/executions/executions.exception';
import { SessionsService } from '@/executions/sessions.service';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';
import { WhatsAppChannelsService } from './whatsapp-channels.service';
import { GraphError, WhatsAppGraphClient } from './whatsapp-graph.client';
import {
  agentItem,
  type InboundMessage,
  type InboundStatus,
  type OutboundItem,
  outboundOfTurn,
  phoneOf,
  reasonOfGraphError,
  replyOf,
} from './whatsapp-messages';
import { WhatsAppRepository } from './whatsapp.repository';

/** Meta's customer-service window: free-form messages only this long after the user's last message. */
export const SERVICE_WINDOW_MS = 24 * 3600 * 1000;

/**
 * WhatsApp users' conversations: an inbound message starts or continues the bot session of its
 * number's chatbot (or reaches the agents while a human owns the conversation); the bot's answer
 * and agents' messages go out through the Graph API, once each, inside the 24-hour window.
 */
@Injectable()
export class WhatsAppConversationsService {
  private readonly logger = new Logger(WhatsAppConversationsService.name);

  constructor(
    private readonly repo: WhatsAppRepository,
    private readonly channels: WhatsAppChannelsService,
    private readonly graph: WhatsAppGraphClient,
    private readonly sessions: SessionsService,
    private readonly contacts: ChannelContacts,
    @InjectTypedQueue('whatsapp') private readonly queue: TypedQueue<'whatsapp'>,
  ) {}

  /** One inbound message, processed once per Meta message id. */
  async receive(organizationId: OrganizationId, channelId: string, message: InboundMessage): Promise<string> {
    const inboundId = await this.repo.claimInbound(organizationId, channelId, message.wamid, message.waId);
    if (!inboundId) return 'duplicate';
    const { channel } = await this.channels.open(organizationId, channelId);
    const reply = replyOf(message);
    const current = await this.repo.currentConversation(organizationId, channelId, message.waId);
    let turn: ChatTurn | undefined;
    const live =
      current?.sessionExpiresAt &&
      current.sessionExpiresAt > new Date() &&
      (current.sessionStatus === 'active' || current.sessionStatus === 'handoff');
    if (current && live) {
      try {
        turn = (await this.sessions.replyWithMessage(current.conversationId, message.wamid, reply)).turn;
        await this.repo.touchConversation(organizationId, current.conversationId, channelId, message.waId);
      } catch (error) {
        // A reply the engine refuses outright (not a retry prompt): nothing to answer, never retried.
        if (error instanceof InvalidReply) {
          this.logger.warn(`WhatsApp message ${message.wamid} refused by the flow: ${error.message}`);
          await this.repo.markProcessed(organizationId, inboundId);
          return 'invalid';
        }
        // Ended between the read and the turn: the message starts a new conversation.
        if (!(error instanceof SessionEnded || error instanceof SessionExpired || error instanceof SessionNotFound)) {
          throw error;
        }
      }
    }
    if (!turn) {
      if (!channel.chatbotId) {
        this.logger.warn(`WhatsApp channel ${channelId} has no chatbot: message ${message.wamid} not answered`);
        await this.repo.markProcessed(organizationId, inboundId);
        return 'no_chatbot';
      }
      const contactId = await this.contacts.upsertByPhone(organizationId, phoneOf(message.waId), message.name);
      try {
        turn = await this.sessions.startForChannel({
          organizationId,
          chatbotId: channel.chatbotId,
          channel: 'whatsapp',
          contactId,
          // The inbound row's id: a retried start collides instead of opening a second conversation.
          sessionId: inboundId,
          first: { reply, clientMessageId: message.wamid },
        });
      } catch (error) {
        if (isQuotaRefusal(error)) {
          // Over the plan's sessions: no conversation to answer from; not retried (see docs/billing.md).
          this.logger.warn(`WhatsApp message ${message.wamid} not answered: ${error.message}`);
          await this.repo.markProcessed(organizationId, inboundId);
          return 'over_quota';
        }
        if (error instanceof BotNotAvailable) {
          this.logger.warn(`WhatsApp channel ${channelId}: its chatbot is not published; message not answered`);
          await this.repo.markProcessed(organizationId, inboundId);
          return 'bot_unavailable';
        }
        if (!isUniqueViolation(error)) throw error;
        this.logger.warn(`WhatsApp message ${message.wamid}: its session was started by an earlier attempt`);
        await this.repo.markProcessed(organizationId, inboundId);
        return 'started_before';
      }
      await this.repo.touchConversation(organizationId, turn.sessionId, channelId, message.waId);
    }
    const items = outboundOfTurn(turn.messages, turn.input, inboundId);
    if (items.length > 0) {
      await this.queue.add(
        'send',
        { organizationId, conversationId: turn.sessionId, items },
        { jobId: `send-${inboundId}`, attempts: 6, backoff: { type: 'exponential', delay: 1_000 } },
      );
    }
    await this.repo.markProcessed(organizationId, inboundId);
    return turn.status === 'handoff' && turn.messages.length === 0 ? 'to_agent' : 'answered';
  }

  async applyStatus(organizationId: OrganizationId, channelId: string, status: InboundStatus): Promise<boolean> {
    const error = status.error
      ? { code: reasonOfGraphError(status.error.code), message: status.error.title }
      : undefined;
    return this.repo.applyStatus(organizationId, channelId, status.wamid, status.status, error);
  }

  /** An agent's message (not a note) in a WhatsApp conversation goes out (outbox subscriber). */
  async agentMessage(event: AnyDomainEvent, lastAttempt: boolean): Promise<string> {
    if (event.type !== 'message.created' || event.organizationId === null) return 'skipped';
    const { message } = event.data;
    if (message.sender.type !== 'agent' || message.kind !== 'message' || !message.text) return 'skipped';
    const organizationId = event.organizationId as OrganizationId;
    if (!(await this.repo.targetOf(organizationId, event.data.conversationId))) return 'not_whatsapp';
    await this.send(organizationId, event.data.conversationId, [agentItem(message.id, message.text)], lastAttempt);
    return 'sent';
  }

  /**
   * After a hand-back (an agent's status change of a conversation a human had): the bot's latest
   * turn goes out (messages already sent are skipped, so other status changes send nothing new).
   */
  async afterStatusChange(event: AnyDomainEvent, lastAttempt: boolean): Promise<string> {
    if (event.type !== 'conversation.status_changed' || event.organizationId === null) return 'skipped';
    if (event.data.byUserId === null || event.data.previousStatus !== 'open') return 'skipped';
    const organizationId = event.organizationId as OrganizationId;
    const { conversationId } = event.data;
    if (!(await this.repo.targetOf(organizationId, conversationId))) return 'not_whatsapp';
    const latest = await this.repo.latestBotTurn(organizationId, conversationId);
    if (!latest) return 'no_session';
    const items = outboundOfTurn(latest.messages, latest.awaiting, `turn-${latest.turn}`);
    await this.send(organizationId, conversationId, items, lastAttempt);
    return 'sent';
  }

  /**
   * Sends the items in order, each once: an item is claimed first (one sender at a time), and one
   * already sent or failed is skipped on a retry.
   * Outside the 24-hour window an item fails with `whatsapp.window_closed` without a call. A 429,
   * a 5xx or a network error throws (the job is retried) unless `lastAttempt`; other refusals fail
   * the item with Meta's reason.
   */
  async send(
    organizationId: OrganizationId,
    conversationId: string,
    items: readonly OutboundItem[],
    lastAttempt: boolean,
  ): Promise<void> {
    const target = await this.repo.targetOf(organizationId, conversationId);
    if (!target) return;
    const { channel, accessToken } = await this.channels.open(organizationId, target.channelId);
    for (const item of items) {
      const id = await this.repo.claimItem(organizationId, channel.id, conversationId, item.key, item.messageId);
      if (!id) continue;
      if (Date.now() - target.lastInboundAt.getTime() > SERVICE_WINDOW_MS) {
        await this.repo.markFailed(organizationId, id, item.messageId, {
          code: 'whatsapp.window_closed',
          message: 'More than 24 hours since the contact last wrote: only a template message may be sent.',
        });
        continue;
      }
      try {
        const wamid = await this.graph.send(channel.phoneNumberId, accessToken, target.waId, item.message);
        await this.repo.markSent(organizationId, id, wamid);
      } catch (error) {
        if (!(error instanceof GraphError) || (error.retryable && !lastAttempt)) {
          await this.repo.release(organizationId, id);
          throw error;
        }
        await this.repo.markFailed(organizationId, id, item.messageId, {
          code: error.retryable ? 'whatsapp.send_failed' : reasonOfGraphError(error.code),
          message: error.message,
        });
      }
    }
  }
}
