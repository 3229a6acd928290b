import { asOrganizationId } from '@/access/organization-id';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import { CommittedEvents } from '@/events/committed-events';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import { type MessageView, visibleToVisitor } from '../message-view';
import { PresenceService } from '../presence.service';
import { GatewayRepository } from './gateway.repository';
import {
  type AgentClientToServer,
  type AgentServerToClient,
  type AgentSocketData,
  type NoInterServerEvents,
  type ReadEvent,
  rooms,
  type TypingEvent,
  type VisitorClientToServer,
  type VisitorServerToClient,
  type VisitorSocketData,
} from './socket-events';

type Visitors = Namespace<VisitorClientToServer, VisitorServerToClient, NoInterServerEvents, VisitorSocketData>;
type Agents = Namespace<AgentClientToServer, AgentServerToClient, NoInterServerEvents, AgentSocketData>;
type VisitorSocket = Socket<VisitorClientToServer, VisitorServerToClient, NoInterServerEvents, VisitorSocketData>;
type AgentSocket = Socket<AgentClientToServer, AgentServerToClient, NoInterServerEvents, AgentSocketData>;

/** Events after which the visitor is sent its conversation's status and assignee again. */
const visitorVisible = new Set<AnyDomainEvent['type']>([
  'conversation.bot_handoff',
  'conversation.assigned',
  'conversation.status_changed',
  'conversation.resolved',
]);

/**
 * Feeds sockets from what this process committed (`CommittedEvents`) and from presence changes:
 * emits go through the Socket.IO Redis adapter, so sockets on every API process get them.
 *
 * - `message.created` → `/agent` rooms `conversation:<id>` and `org:<org>` (inbox lists; notes
 *   included), `/visitor` room `conversation:<id>` (never notes).
 * - `conversation.*` → `/agent` rooms `org:<org>` and `conversation:<id>` (`assigned` also
 *   `user:<organizationId>:<assignee>`, `bot_handoff` also `department:<id>`); the visitor gets `conversation.updated`
 *   `{ id, status, assignee }` after handoff, assignment and status changes (one query per change).
 * - presence changes → `/agent` room `org:<org>` `presence.update`.
 */
@Injectable()
export class RealtimeFanout implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RealtimeFanout.name);
  private visitors: Visitors | undefined;
  private agents: Agents | undefined;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly committed: CommittedEvents,
    private readonly presence: PresenceService,
    private readonly repo: GatewayRepository,
  ) {}

  attachVisitors(nsp: Visitors): void {
    this.visitors = nsp;
  }

  attachAgents(nsp: Agents): void {
    this.agents = nsp;
  }

  onModuleInit(): void {
    this.unsubscribe.push(
      this.committed.on((events) => this.publish(events)),
      this.presence.onChange((organizationId, userId, status) =>
        this.agents?.to(rooms.org(organizationId)).emit('presence.update', { userId, status }),
      ),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  publish(events: readonly AnyDomainEvent[]): void {
    const visitorUpdates = new Map<string, string>(); // conversation → organization
    for (const event of events) {
      const org = event.organizationId;
      if (!org) continue;
      const orgRoom = rooms.org(org);
      const occurredAt = event.occurredAt;
      switch (event.type) {
        case 'message.created': {
          const message = event.data.message as MessageView;
          const room = rooms.conversation(event.data.conversationId);
          this.agents?.to([room, orgRoom]).emit('message.created', message);
          if (visibleToVisitor(message)) this.visitors?.to(room).emit('message.created', message);
          break;
        }
        case 'conversation.created':
          this.agents
            ?.to([orgRoom, rooms.conversation(event.data.conversationId)])
            .emit('conversation.created', { ...event.data, occurredAt });
          break;
        case 'conversation.bot_handoff': {
          const extra = event.data.departmentId ? [rooms.department(event.data.departmentId)] : [];
          this.agents
            ?.to([orgRoom, rooms.conversation(event.data.conversationId), ...extra])
            .emit('conversation.bot_handoff', { ...event.data, occurredAt });
          break;
        }
        case 'conversation.assigned': {
          const extra = event.data.assigneeId ? [rooms.user(org, event.data.assigneeId)] : [];
          this.agents
            ?.to([orgRoom, rooms.conversation(event.data.conversationId), ...extra])
            .emit('conversation.assigned', { ...event.data, occurredAt });
          break;
        }
        case 'conversation.status_changed':
          this.agents
            ?.to([orgRoom, rooms.conversation(event.data.conversationId)])
            .emit('conversation.status_changed', { ...event.data, occurredAt });
          break;
        case 'conversation.resolved':
          this.agents
            ?.to([orgRoom, rooms.conversation(event.data.conversationId)])
            .emit('conversation.resolved', { ...event.data, occurredAt });
          break;
        case 'conversation.updated':
          this.agents
            ?.to([orgRoom, rooms.conversation(event.data.conversationId)])
            .emit('conversation.updated', { ...event.data, occurredAt });
          break;
        case 'session.started':
        case 'session.completed':
        case 'session.handoff_requested':
        case 'ai.usage_recorded':
        case 'result.updated':
        case 'chatbot.published':
        case 'invitation.created':
        case 'webhook.subscription_disabled':
        case 'billing.quota_warning':
        case 'billing.subscription_changed':
        case 'auth.password_reset_requested':
          break; // not for sockets (notifications reach users as `notification.created`)
      }
      if (visitorVisible.has(event.type) && 'conversationId' in event.data) {
        visitorUpdates.set(event.data.conversationId, org);
      }
    }
    for (const [conversationId, org] of visitorUpdates) void this.updateVisitor(org, conversationId);
  }

  private async updateVisitor(organizationId: string, conversationId: string): Promise<void> {
    if (!this.visitors) return;
    try {
      const view = await this.repo.visitorView(asOrganizationId(organizationId), conversationId);
      if (view) this.visitors.to(rooms.conversation(conversationId)).emit('conversation.updated', view);
    } catch (error) {
      this.logger.warn(`conversation.updated for ${conversationId} failed: ${String(error)}`);
    }
  }

  visitorTyping(socket: VisitorSocket, event: 'typing.start' | 'typing.stop'): void {
    const conversationId = socket.data.sessionId;
    const payload: TypingEvent = { conversationId, sender: { type: 'visitor' } };
    const room = rooms.conversation(conversationId);
    socket.to(room).emit(event, payload);
    this.agents?.to(room).emit(event, payload);
  }

  agentTyping(socket: AgentSocket, conversationId: string, event: 'typing.start' | 'typing.stop'): void {
    const { userId, name } = socket.data;
    const payload: TypingEvent = { conversationId, sender: { type: 'agent', id: userId, ...(name ? { name } : {}) } };
    const room = rooms.conversation(conversationId);
    socket.to(room).emit(event, payload);
    this.visitors?.to(room).emit(event, payload);
  }

  read(socket: VisitorSocket | AgentSocket, event: ReadEvent): void {
    const room = rooms.conversation(event.conversationId);
    if (event.reader.type === 'visitor') {
      (socket as VisitorSocket).to(room).emit('read', event);
      this.agents?.to(room).emit('read', event);
    } else {
      (socket as AgentSocket).to(room).emit('read', event);
      this.visitors?.to(room).emit('read', event);
    }
  }
}
