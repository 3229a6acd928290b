import type { OrganizationId } from '@/access/organization-id';
import type { OrgRole } from '@/access/roles';
import { Injectable } from '@nestjs/common';
import { SessionDenylist, type TokenSession } from '@/auth/session-denylist.service';
import type { ReplyPayload } from '@/executions/engine/engine-types';
import { type RepliedTurn, SessionsService } from '@/executions/sessions.service';
import { VisitorRateLimit } from '@/executions/visitor-rate-limit';
import { ConversationsService } from '../conversations.service';
import type { MessageView } from '../message-view';

export interface AgentMessage {
  readonly organizationId: OrganizationId;
  readonly conversationId: string;
  readonly userId: string;
  readonly role: OrgRole;
  readonly clientMessageId: string;
  readonly text: string;
  readonly private: boolean;
}

/** What the gateways use of other modules, in one place: the same services REST uses. */
@Injectable()
export class GatewayPorts {
  constructor(
    private readonly sessions: SessionsService,
    private readonly conversations: ConversationsService,
    private readonly denylist: SessionDenylist,
    private readonly rateLimit: VisitorRateLimit,
  ) {}

  /** The visitor's turn, with the visitor's stored message for the acknowledgement. */
  replyWithMessage(
    sessionId: string,
    clientMessageId: string,
    reply: ReplyPayload,
    command?: string,
  ): Promise<RepliedTurn> {
    return this.sessions.replyWithMessage(sessionId, clientMessageId, reply, command);
  }

  /** An agent's message or note, with the rules of REST (roles, pending conversations, canned responses). */
  async sendAgentMessage(m: AgentMessage): Promise<MessageView> {
    const sent = await this.conversations.sendMessage(
      m.organizationId,
      { userId: m.userId, role: m.role },
      m.conversationId,
      { clientMessageId: m.clientMessageId, text: m.text, private: m.private },
    );
    return sent.message;
  }

  /** Whether the token's session was signed out (cached in Redis by the denylist). */
  sessionEnded(session: TokenSession): Promise<boolean> {
    return this.denylist.isEnded(session);
  }

  /** The visitor message limits of the chat API (per client IP and per session). */
  visitorMessageAllowed(ip: string, sessionId: string): Promise<void> {
    return this.rateLimit.message(ip, sessionId);
  }
}
