import { io, type Socket } from 'socket.io-client';
import {
  asConversationUpdate,
  asMessageView,
  asTypingEvent,
  asTurn,
  isObject,
  type ConversationUpdate,
  type MessageView,
  type SendAck,
  type TypingEvent,
} from './protocol';

export interface LiveHandlers {
  message(message: MessageView): void;
  conversation(update: ConversationUpdate): void;
  typing(on: boolean, sender: TypingEvent['sender']): void;
  /** The socket is gone (and may come back): what it did not deliver comes from `sync` on reconnect. */
  disconnected(): void;
  connected(): void;
}

const ACK_TIMEOUT_MS = 10_000;

function asAck(value: unknown): SendAck {
  if (!isObject(value) || value.ok !== true) {
    const error = isObject(value) && isObject(value.error) ? value.error : {};
    return {
      ok: false,
      error: {
        code: typeof error.code === 'string' ? error.code : undefined,
        message: typeof error.message === 'string' ? error.message : undefined,
      },
    };
  }
  return { ok: true, message: asMessageView(value.message), turn: asTurn(value.turn) };
}

/**
 * The live part of the conversation: a Socket.IO client of namespace `/visitor` (docs/live-chat.md).
 * Optional: when it does not connect (no gateway, a proxy without WebSockets) the widget works over
 * REST alone and `connected` stays false.
 */
export class LiveConnection {
  private readonly socket: Socket;

  constructor(apiBase: string, token: string, lastSeenId: () => string | undefined, handlers: LiveHandlers) {
    this.socket = io(`${apiBase}/visitor`, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: (cb) => cb({ token, ...(lastSeenId() ? { lastSeenId: lastSeenId() } : {}) }),
      reconnectionDelay: 2_000,
      reconnectionDelayMax: 30_000,
      // A server without the gateway is not asked forever (about 8 minutes of retries).
      reconnectionAttempts: 20,
      timeout: 10_000,
    });
    this.socket.on('connect', () => handlers.connected());
    this.socket.on('message.created', (raw: unknown) => {
      const message = asMessageView(raw);
      if (message) handlers.message(message);
    });
    this.socket.on('disconnect', () => handlers.disconnected());
    // `message.updated` ({ conversationId, messageId, status }) is a delivery status: nothing the widget shows.
    this.socket.on('conversation.updated', (raw: unknown) => {
      const update = asConversationUpdate(raw);
      if (update) handlers.conversation(update);
    });
    this.socket.on('typing.start', (raw: unknown) => handlers.typing(true, asTypingEvent(raw).sender));
    this.socket.on('typing.stop', (raw: unknown) => handlers.typing(false, asTypingEvent(raw).sender));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  async send(clientMessageId: string, text: string): Promise<SendAck> {
    const answer: unknown = await this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('message.send', { clientMessageId, text });
    return asAck(answer);
  }

  /** The messages after `after` (all of them without it). */
  async sync(after: string | undefined): Promise<MessageView[]> {
    const answer: unknown = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('sync', after ? { after } : {});
    if (!isObject(answer) || answer.ok !== true || !Array.isArray(answer.messages)) return [];
    return answer.messages.map(asMessageView).filter((m): m is MessageView => m !== undefined);
  }

  typing(on: boolean): void {
    if (this.socket.connected) this.socket.emit(on ? 'typing.start' : 'typing.stop');
  }

  read(messageId: string): void {
    if (this.socket.connected) this.socket.emit('read', { messageId });
  }

  close(): void {
    this.socket.close();
  }
}
