import type { OrganizationId } from '@/access/organization-id';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SessionDenylist, type TokenSession } from '@/auth/session-denylist.service';
import { newId } from '@/database/base.entity';
import type { ChatTurn } from '@/executions/chat-view';
import type { ReplyPayload } from '@/executions/engine/engine-types';
import { SessionsService } from '@/executions/sessions.service';
import { VisitorRateLimit } from '@/executions/visitor-rate-limit';
import { ConversationStore } from '../conversation-store.service';
import type { MessageView } from '../message-view';
import { GatewayRepository } from './gateway.repository';

/** `SessionsService.replyWithMessage`, which the message store adds (the visitor's stored message, for the ack). */
type ReplyWithMessage = (
  sessionId: string,
  clientMessageId: string,
  reply: ReplyPayload,
  command?: string,
) => Promise<{ turn: ChatTurn; message: MessageView | null }>;

export interface AgentMessage {
  readonly organizationId: OrganizationId;
  readonly conversationId: string;
  readonly userId: string;
  readonly name: string;
  readonly clientMessageId: string;
  readonly text: string;
  readonly private: boolean;
}

/**
 * Everything the gateways need from other modules that is not (yet) a plain export, in ONE place
 * for the lead to switch:
 * - `replyWithMessage`: uses `SessionsService.replyWithMessage` when it exists, else `reply` and
 *   looks the stored visitor message up by its clientMessageId.
 * - `sendAgentMessage`: appends through `ConversationStore` (effect `agent`, notes `quiet`).
 *   TODO(lead): call `ConversationsService.sendAgentMessage` (assignment rules, first reply…).
 * - `SessionDenylist` and `VisitorRateLimit` are providers of AuthModule / ExecutionsModule that
 *   those modules do not export: resolved here through the ModuleRef (non-strict).
 *   TODO(lead): export them and inject them normally.
 */
@Injectable()
export class GatewayPorts implements OnModuleInit {
  private readonly logger = new Logger(GatewayPorts.name);
  private denylist: SessionDenylist | undefined;
  private rateLimit: VisitorRateLimit | undefined;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly sessions: SessionsService,
    private readonly store: ConversationStore,
    private readonly repo: GatewayRepository,
  ) {}

  onModuleInit(): void {
    this.denylist = this.optional(SessionDenylist);
    this.rateLimit = this.optional(VisitorRateLimit);
  }

  private optional<T>(type: new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      this.logger.warn(`${type.name} is not available to the socket gateways`);
      return undefined;
    }
  }

  async replyWithMessage(
    organizationId: OrganizationId,
    sessionId: string,
    clientMessageId: string,
    reply: ReplyPayload,
    command?: string,
  ): Promise<{ turn: ChatTurn; message: MessageView | null }> {
    const withMessage = (this.sessions as SessionsService & { replyWithMessage?: ReplyWithMessage }).replyWithMessage;
    if (typeof withMessage === 'function') {
      return withMessage.call(this.sessions, sessionId, clientMessageId, reply, command);
    }
    const turn = await this.sessions.reply(sessionId, clientMessageId, reply, command);
    const message = await this.repo.visitorMessage(organizationId, sessionId, clientMessageId);
    return { turn, message };
  }

  async sendAgentMessage(m: AgentMessage): Promise<MessageView> {
    const appended = await this.store.append(
      m.organizationId,
      m.conversationId,
      [
        {
          id: newId(),
          sender: { type: 'agent', id: m.userId, ...(m.name ? { name: m.name } : {}) },
          kind: m.private ? 'note' : 'message',
          content: { text: m.text },
          text: m.text,
          clientMessageId: m.clientMessageId,
        },
      ],
      m.private ? 'quiet' : 'agent',
    );
    return appended.messages[0]!;
  }

  /** Whether the token's session was signed out (cached in Redis by the denylist). */
  async sessionEnded(session: TokenSession): Promise<boolean> {
    return this.denylist ? this.denylist.isEnded(session) : false;
  }

  /** The visitor message limits of the chat API (per client IP and per session). */
  async visitorMessageAllowed(ip: string, sessionId: string): Promise<void> {
    await this.rateLimit?.message(ip, sessionId);
  }
}
