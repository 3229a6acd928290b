import { asOrganizationId } from '@/access/organization-id';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { type AppConfig, InjectConfig } from '@/config';
import { DomainException } from '@/common/errors/domain.exception';
import { SessionNotFound } from '@/executions/executions.exception';
import { SessionTokens } from '@/executions/session-token';
import { SessionsService } from '@/executions/sessions.service';
import { VisitorAccess } from '@/executions/visitor-access';
import { VisitorRateLimit } from '@/executions/visitor-rate-limit';
import { Unauthenticated } from '@/auth/auth.exception';
import { ConversationStore } from '../conversation-store.service';
import { MessageNotFound } from '../chat.exception';
import { VisitorReadDto, VisitorSendDto, VisitorSyncDto } from './dto/visitor-socket.dto';
import { GatewayRepository } from './gateway.repository';
import { RealtimeFanout } from './realtime-fanout';
import { authField, clientIpOf, originOf, Throttle, Window } from './socket-context';
import {
  type NoInterServerEvents,
  rooms,
  type SocketError,
  type VisitorClientToServer,
  type VisitorServerToClient,
  type VisitorSocketData,
} from './socket-events';
import { answer, connectError, validateEmpty, validatePayload } from './socket-validation';

type VisitorSocket = Socket<VisitorClientToServer, VisitorServerToClient, NoInterServerEvents, VisitorSocketData>;
export type VisitorNamespace = Namespace<
  VisitorClientToServer,
  VisitorServerToClient,
  NoInterServerEvents,
  VisitorSocketData
>;

/** Messages replayed on connect (`lastSeenId`) and answered by one `sync`; ask again after the last one. */
export const SYNC_PAGE = 200;
/** At most one `typing.start` per socket this often. */
const TYPING_INTERVAL_MS = 2_000;
/** Per-socket guard on `message.send` on top of the chat API's Redis limits (per IP and per session). */
const SOCKET_MESSAGES = { limit: 30, windowMs: 10_000 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class MessageRateLimited extends DomainException {
  constructor() {
    super({ code: 'chat.rate_limited', status: 429, detail: 'Too many messages; slow down.' });
  }
}

/**
 * `/visitor`: a visitor's widget, authenticated by its session token. See docs/live-chat.md.
 * The session's owner is cached by `VisitorAccess`, so a warm connection or message costs no
 * query beyond the turn itself.
 */
@WebSocketGateway({ namespace: '/visitor' })
export class VisitorGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(VisitorGateway.name);
  private nsp: VisitorNamespace | undefined;
  private readonly typing = new Throttle(TYPING_INTERVAL_MS);
  private readonly windows = new WeakMap<VisitorSocket, Window>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly tokens: SessionTokens,
    private readonly access: VisitorAccess,
    private readonly store: ConversationStore,
    private readonly repo: GatewayRepository,
    private readonly fanout: RealtimeFanout,
    private readonly sessions: SessionsService,
    private readonly limits: VisitorRateLimit,
  ) {}

  afterInit(nsp: VisitorNamespace): void {
    this.nsp = nsp;
    this.fanout.attachVisitors(nsp);
    nsp.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (error: unknown) => next(connectError(error)),
      );
    });
  }

  onModuleDestroy(): void {
    this.nsp?.local.disconnectSockets(true);
  }

  /** The handshake: a valid session token, a session whose bot still answers this Origin. */
  private async admit(socket: VisitorSocket): Promise<void> {
    const token = authField(socket, 'token');
    const sessionId = this.tokens.verify(token);
    if (!sessionId) throw new Unauthenticated('auth.invalid_token', 'Send the session token as auth.token.');
    const origin = originOf(socket);
    await this.access.check(sessionId, origin);
    const owner = await this.access.owner(sessionId);
    if (!owner) throw new SessionNotFound();
    socket.data = {
      sessionId,
      organizationId: owner.organizationId,
      origin,
      ip: clientIpOf(socket, this.config.http.trustProxy),
    };
  }

  async handleConnection(socket: VisitorSocket): Promise<void> {
    const { sessionId, organizationId } = socket.data;
    const emitError = (error: SocketError) => socket.emit('error', error);
    this.windows.set(socket, new Window(SOCKET_MESSAGES.limit, SOCKET_MESSAGES.windowMs));

    socket.on('message.send', (payload, ack) =>
      answer(ack, emitError, async () => {
        const dto = await validatePayload(VisitorSendDto, payload);
        if (!this.windows.get(socket)?.hit()) throw new MessageRateLimited();
        await this.limits.message(socket.data.ip, sessionId);
        await this.access.check(sessionId, socket.data.origin); // suspension / origins, cached for seconds
        const reply = {
          ...(dto.text !== undefined ? { text: dto.text } : {}),
          ...(dto.value !== undefined ? { value: dto.value } : {}),
        };
        const { turn, message } = await this.sessions.replyWithMessage(
          sessionId,
          dto.clientMessageId,
          reply,
          dto.command,
        );
        return { message, turn };
      }),
    );
    socket.on('typing.start', (payload, ack) =>
      answer(ack, emitError, () => {
        validateEmpty(payload);
        if (this.typing.allow(socket.id)) this.fanout.visitorTyping(socket, 'typing.start');
        return {};
      }),
    );
    socket.on('typing.stop', (payload, ack) =>
      answer(ack, emitError, () => {
        validateEmpty(payload);
        this.typing.forget(socket.id);
        this.fanout.visitorTyping(socket, 'typing.stop');
        return {};
      }),
    );
    socket.on('read', (payload, ack) =>
      answer(ack, emitError, async () => {
        const dto = await validatePayload(VisitorReadDto, payload);
        const seq = await this.repo.visitorRead(asOrganizationId(organizationId), sessionId, dto.messageId);
        if (seq === undefined) throw new MessageNotFound(dto.messageId);
        this.fanout.read(socket, {
          conversationId: sessionId,
          reader: { type: 'visitor' },
          messageId: dto.messageId,
          seq,
        });
        return { seq };
      }),
    );
    socket.on('sync', (payload, ack) =>
      answer(ack, emitError, async () => {
        const dto = await validatePayload(VisitorSyncDto, payload);
        const messages = await this.store.history(
          asOrganizationId(organizationId),
          sessionId,
          dto.after ? { afterId: dto.after } : { afterSeq: 0 },
          SYNC_PAGE,
          false,
        );
        return { messages };
      }),
    );
    socket.on('disconnect', () => this.typing.forget(socket.id));

    await socket.join(rooms.conversation(sessionId));
    const lastSeenId = authField(socket, 'lastSeenId');
    if (lastSeenId && !UUID.test(lastSeenId)) {
      emitError({ code: 'request.invalid', message: 'auth.lastSeenId must be a message id (UUID).' });
    } else if (lastSeenId) {
      try {
        const missed = await this.store.history(
          asOrganizationId(organizationId),
          sessionId,
          { afterId: lastSeenId },
          SYNC_PAGE,
          false,
        );
        for (const message of missed) socket.emit('message.created', message);
      } catch (error) {
        if (error instanceof MessageNotFound) emitError({ code: error.code, message: error.message });
        else this.logger.warn(`Replay after ${lastSeenId} failed: ${String(error)}`);
      }
    }
  }

  handleDisconnect(socket: VisitorSocket): void {
    this.typing.forget(socket.id);
  }
}
