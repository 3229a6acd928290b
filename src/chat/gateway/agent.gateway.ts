import { asOrganizationId } from '@/access/organization-id';
import { roleAtLeast } from '@/access/roles';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { Forbidden, Unauthenticated } from '@/auth/auth.exception';
import { SessionDenylist } from '@/auth/session-denylist.service';
import { DomainException } from '@/common/errors/domain.exception';
import { ConversationNotFound } from '../chat.exception';
import { ConversationStore } from '../conversation-store.service';
import { ConversationsService } from '../conversations.service';
import { PRESENCE_TTL_SECONDS, PresenceService } from '../presence.service';
import { AgentAuth } from './agent-auth';
import {
  AgentAssignDto,
  AgentHandbackDto,
  AgentReadDto,
  AgentSendDto,
  AgentSetStatusDto,
  AgentSyncDto,
  AgentUpdateDto,
  ConversationRefDto,
  PresenceSetDto,
} from './dto/agent-socket.dto';
import { GatewayRepository } from './gateway.repository';
import { RealtimeFanout } from './realtime-fanout';
import { Throttle } from './socket-context';
import {
  type AgentClientToServer,
  type AgentServerToClient,
  type AgentSocketData,
  type NoInterServerEvents,
  rooms,
  type SocketError,
} from './socket-events';
import { answer, connectError, validatePayload } from './socket-validation';
import { SYNC_PAGE } from './visitor.gateway';

type AgentSocket = Socket<AgentClientToServer, AgentServerToClient, NoInterServerEvents, AgentSocketData>;
export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, NoInterServerEvents, AgentSocketData>;

/** How often every local agent socket's session is checked against the denylist (signed out → disconnected). */
export const REVOCATION_SWEEP_MS = 5_000;
/** A socket's own events re-check its session at most this often (one cached Redis read). */
const EVENT_CHECK_MS = 2_000;
const TYPING_INTERVAL_MS = 2_000;
/** setTimeout's limit; a token living longer is left to the sweep and to REST. */
const MAX_TIMER_MS = 2 ** 31 - 1;

class NotJoined extends DomainException {
  constructor(conversationId: string) {
    super({
      code: 'conversation.not_joined',
      status: 409,
      detail: `Join conversation ${conversationId} first (conversation.join).`,
    });
  }
}

const sessionKey = (s: AgentSocketData['session'], userId: string): string => `${s.via} ${s.sessionId ?? ''} ${userId}`;
const presenceKey = (organizationId: string, userId: string): string => `${organizationId} ${userId}`;

/**
 * `/agent`: the dashboard's socket, authenticated like REST (see `AgentAuth`); the tenant and role
 * are resolved once per connection and kept in `socket.data`. Viewers may join and sync (read-only).
 * Presence: while an agent has a socket, one process-wide timer heartbeats them every
 * `PRESENCE_TTL_SECONDS / 3`; when their last socket (on any process) goes, they go offline.
 * Token lifetime: a socket is disconnected when its token expires (timer at `exp`) or its session
 * is signed out (checked on its events and by a sweep every `REVOCATION_SWEEP_MS`).
 */
@WebSocketGateway({ namespace: '/agent' })
export class AgentGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(AgentGateway.name);
  private nsp: AgentNamespace | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly expiry = new WeakMap<AgentSocket, NodeJS.Timeout>();
  private readonly checkedAt = new WeakMap<AgentSocket, number>();
  private readonly typing = new Throttle(TYPING_INTERVAL_MS);
  /** Users who chose `offline` while connected: the heartbeat leaves them offline. */
  private readonly chosenOffline = new Set<string>();
  private closing = false;

  constructor(
    private readonly auth: AgentAuth,
    private readonly store: ConversationStore,
    private readonly presence: PresenceService,
    private readonly repo: GatewayRepository,
    private readonly fanout: RealtimeFanout,
    private readonly conversations: ConversationsService,
    private readonly denylist: SessionDenylist,
  ) {}

  afterInit(nsp: AgentNamespace): void {
    this.nsp = nsp;
    this.fanout.attachAgents(nsp);
    nsp.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (error: unknown) => next(connectError(error)),
      );
    });
    const heartbeat = setInterval(() => void this.heartbeatAll(), (PRESENCE_TTL_SECONDS / 3) * 1000);
    const sweep = setInterval(() => void this.sweep(), REVOCATION_SWEEP_MS);
    for (const timer of [heartbeat, sweep]) {
      timer.unref();
      this.timers.push(timer);
    }
  }

  onModuleDestroy(): void {
    this.closing = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.nsp?.local.disconnectSockets(true);
  }

  private async admit(socket: AgentSocket): Promise<void> {
    const { tenant, ...data } = await this.auth.authenticate(socket);
    const profile = await this.repo.agentProfile(tenant.organizationId, data.userId);
    socket.data = { ...data, name: profile.name, departmentIds: profile.departmentIds };
  }

  async handleConnection(socket: AgentSocket): Promise<void> {
    const data = socket.data;
    const org = asOrganizationId(data.organizationId);
    const emitError = (error: SocketError) => socket.emit('error', error);
    const actor = { userId: data.userId, role: data.role };
    /** Runs a handler after the cheap session check; `agent` handlers refuse viewers. */
    const on = <E extends keyof AgentClientToServer>(
      event: E,
      role: 'viewer' | 'agent',
      work: (payload: unknown) => Promise<object>,
    ): void => {
      socket.on(event as 'conversation.leave', (payload: unknown, ack: unknown) =>
        answer(ack, emitError, async () => {
          await this.checkSession(socket);
          if (role === 'agent' && !roleAtLeast(data.role, 'agent')) {
            throw new Forbidden('auth.insufficient_role', 'Viewers follow conversations read-only.');
          }
          return work(payload);
        }),
      );
    };

    on('conversation.join', 'viewer', async (payload) => {
      const dto = await validatePayload(ConversationRefDto, payload);
      const conversation = await this.repo.summary(org, dto.conversationId);
      if (!conversation) throw new ConversationNotFound(dto.conversationId);
      await socket.join(rooms.conversation(conversation.id));
      return { conversation };
    });
    on('conversation.leave', 'viewer', async (payload) => {
      const dto = await validatePayload(ConversationRefDto, payload);
      await socket.leave(rooms.conversation(dto.conversationId));
      return {};
    });
    on('sync', 'viewer', async (payload) => {
      const dto = await validatePayload(AgentSyncDto, payload);
      const messages = await this.store.history(
        org,
        dto.conversationId,
        dto.after ? { afterId: dto.after } : { afterSeq: 0 },
        SYNC_PAGE,
        true,
      );
      return { messages };
    });
    on('read', 'viewer', async (payload) => {
      const dto = await validatePayload(AgentReadDto, payload);
      const marker = await this.conversations.markRead(org, actor, dto.conversationId, dto.messageId);
      const seq = marker.lastReadSeq;
      this.fanout.read(socket, {
        conversationId: dto.conversationId,
        reader: { type: 'agent', id: data.userId, ...(data.name ? { name: data.name } : {}) },
        messageId: dto.messageId,
        seq,
      });
      return { seq };
    });
    on('message.send', 'agent', async (payload) => {
      const dto = await validatePayload(AgentSendDto, payload);
      const { message } = await this.conversations.sendMessage(org, actor, dto.conversationId, {
        clientMessageId: dto.clientMessageId,
        text: dto.text,
        private: dto.private ?? false,
        ...(dto.mentions ? { mentions: dto.mentions } : {}),
      });
      return { message };
    });
    // The REST actions, over the socket: same service, same rules, the conversation as answered.
    on('conversation.assign', 'agent', async (payload) => {
      const dto = await validatePayload(AgentAssignDto, payload);
      return { conversation: await this.conversations.assign(org, actor, dto.conversationId, dto.assigneeId) };
    });
    on('conversation.set_status', 'agent', async (payload) => {
      const dto = await validatePayload(AgentSetStatusDto, payload);
      const conversation = await this.conversations.setStatus(
        org,
        actor,
        dto.conversationId,
        dto.status,
        dto.snoozedUntil,
      );
      return { conversation };
    });
    on('conversation.update', 'agent', async (payload) => {
      const { conversationId, ...changes } = await validatePayload(AgentUpdateDto, payload);
      return { conversation: await this.conversations.update(org, actor, conversationId, changes) };
    });
    on('conversation.handback', 'agent', async (payload) => {
      const dto = await validatePayload(AgentHandbackDto, payload);
      return { conversation: await this.conversations.handBack(org, actor, dto.conversationId, dto.groupId) };
    });
    for (const event of ['typing.start', 'typing.stop'] as const) {
      on(event, 'agent', async (payload) => {
        const dto = await validatePayload(ConversationRefDto, payload);
        const room = rooms.conversation(dto.conversationId);
        if (!socket.rooms.has(room)) throw new NotJoined(dto.conversationId);
        const key = `${socket.id} ${dto.conversationId}`;
        if (event === 'typing.stop') {
          this.typing.forget(key);
          this.fanout.agentTyping(socket, dto.conversationId, event);
        } else if (this.typing.allow(key)) {
          this.fanout.agentTyping(socket, dto.conversationId, event);
        }
        return {};
      });
    }
    on('presence.set', 'agent', async (payload) => {
      const dto = await validatePayload(PresenceSetDto, payload);
      const key = presenceKey(data.organizationId, data.userId);
      if (dto.status === 'offline') this.chosenOffline.add(key);
      else this.chosenOffline.delete(key);
      await this.presence.set(org, data.userId, dto.status);
      return { status: dto.status };
    });

    if (data.expiresAt !== undefined) {
      const ms = data.expiresAt * 1000 - Date.now();
      if (ms <= MAX_TIMER_MS) {
        const timer = setTimeout(
          () => this.drop(socket, new Unauthenticated('auth.token_expired', 'The access token has expired.')),
          Math.max(0, ms),
        );
        timer.unref();
        this.expiry.set(socket, timer);
      }
    }
    this.checkedAt.set(socket, Date.now());

    await socket.join([
      rooms.user(data.organizationId, data.userId),
      rooms.org(data.organizationId),
      ...data.departmentIds.map((id) => rooms.department(id)),
    ]);
    if (this.isAgent(data) && !this.chosenOffline.has(presenceKey(data.organizationId, data.userId))) {
      await this.presence
        .heartbeat(org, data.userId)
        .catch((error: unknown) => this.logger.warn(`Presence heartbeat failed: ${String(error)}`));
    }
  }

  async handleDisconnect(socket: AgentSocket): Promise<void> {
    const timer = this.expiry.get(socket);
    if (timer) clearTimeout(timer);
    const data = socket.data as Partial<AgentSocketData>;
    if (this.closing || !data.userId || !data.organizationId || !data.role || !this.isAgent({ role: data.role }))
      return;
    const { userId, organizationId } = data;
    try {
      if (this.hasLocalSocket(userId, organizationId, socket.id)) return;
      const everywhere = await this.nsp!.in(rooms.user(organizationId, userId)).fetchSockets();
      if (everywhere.some((s) => s.id !== socket.id && s.data.organizationId === organizationId)) return;
      if (this.closing) return;
      this.chosenOffline.delete(presenceKey(organizationId, userId));
      await this.presence.set(asOrganizationId(organizationId), userId, 'offline');
    } catch (error) {
      this.logger.warn(`Presence after disconnect failed (the TTL ends it): ${String(error)}`);
    }
  }

  private isAgent(data: Pick<AgentSocketData, 'role'>): boolean {
    return roleAtLeast(data.role, 'agent');
  }

  private hasLocalSocket(userId: string, organizationId: string, except: string): boolean {
    for (const s of this.nsp?.sockets.values() ?? []) {
      if (s.id !== except && s.data.userId === userId && s.data.organizationId === organizationId) return true;
    }
    return false;
  }

  /** The socket's session, re-checked at most every EVENT_CHECK_MS (a cached Redis read). */
  private async checkSession(socket: AgentSocket): Promise<void> {
    const now = Date.now();
    if (now - (this.checkedAt.get(socket) ?? 0) < EVENT_CHECK_MS) return;
    this.checkedAt.set(socket, now);
    const { session, userId } = socket.data;
    if (await this.denylist.isEnded({ ...session, userId })) {
      const error = new Unauthenticated('auth.session_ended', 'This session has ended; sign in again.');
      this.drop(socket, error);
      throw error;
    }
  }

  /** Every local socket's session against the denylist: one check per distinct session. */
  private async sweep(): Promise<void> {
    if (!this.nsp || this.closing) return;
    const bySession = new Map<string, AgentSocket[]>();
    for (const socket of this.nsp.sockets.values()) {
      const key = sessionKey(socket.data.session, socket.data.userId);
      const list = bySession.get(key);
      if (list) list.push(socket);
      else bySession.set(key, [socket]);
    }
    await Promise.all(
      [...bySession.values()].map(async (sockets) => {
        const { session, userId } = sockets[0]!.data;
        try {
          if (!(await this.denylist.isEnded({ ...session, userId }))) return;
          const error = new Unauthenticated('auth.session_ended', 'This session has ended; sign in again.');
          for (const socket of sockets) this.drop(socket, error);
        } catch (error) {
          this.logger.warn(`Session check failed: ${String(error)}`);
        }
      }),
    );
  }

  private async heartbeatAll(): Promise<void> {
    if (!this.nsp || this.closing) return;
    const users = new Map<string, { organizationId: string; userId: string }>();
    for (const socket of this.nsp.sockets.values()) {
      const { organizationId, userId } = socket.data;
      const key = presenceKey(organizationId, userId);
      if (this.isAgent(socket.data) && !this.chosenOffline.has(key)) users.set(key, { organizationId, userId });
    }
    await Promise.all(
      [...users.values()].map(({ organizationId, userId }) =>
        this.presence
          .heartbeat(asOrganizationId(organizationId), userId)
          .catch((error: unknown) => this.logger.warn(`Presence heartbeat failed: ${String(error)}`)),
      ),
    );
  }

  /** Tells the socket why, then disconnects it. */
  private drop(socket: AgentSocket, error: DomainException): void {
    if (!socket.connected) return;
    socket.emit('error', { code: error.code, message: error.message });
    socket.disconnect(true);
  }
}
