import type { ConversationDto } from '../dto/conversation.dto';
import type { DomainEvents } from '@/events/event-catalogue';
import type { ChatTurn } from '@/executions/chat-view';
import type { OrgRole } from '@/access/roles';
import type { ConversationStatus } from '../entities/conversation.entity';
import type { MessageView } from '../message-view';
import type { PresenceStatus } from '../presence.service';
import type { NotificationDto } from '@/notifications/dto/notification.dto';

/**
 * The socket protocol of live chat (`docs/live-chat.md`, `docs/asyncapi.yaml`): what each namespace
 * sends and accepts, used as Socket.IO's generics so handlers and emits are type-checked.
 */

/** What a refused request or connection says (connect errors carry it as `err.data`). */
export interface SocketError {
  readonly code: string;
  readonly message: string;
  readonly fields?: readonly { readonly field: string; readonly message: string }[];
}

export type Failed = { readonly ok: false; readonly error: SocketError };
/** Every acknowledgement: `{ ok: true, …result }` or `{ ok: false, error }`. */
export type Ack<T extends object = object> = ({ readonly ok: true } & T) | Failed;
export type AckCallback<T extends object = object> = (answer: Ack<T>) => void;

/** Who is typing or has read. */
export type Participant =
  { readonly type: 'visitor' } | { readonly type: 'agent'; readonly id: string; readonly name?: string };

export interface TypingEvent {
  readonly conversationId: string;
  readonly sender: Participant;
}

export interface ReadEvent {
  readonly conversationId: string;
  readonly reader: Participant;
  readonly messageId: string;
  readonly seq: number;
}

/** `message.updated`: a stored message's delivery status changed (reserved; not emitted yet). */
export interface MessageUpdatedEvent {
  readonly conversationId: string;
  readonly messageId: string;
  readonly status: MessageView['status'];
}

// ---- /visitor ----

export interface VisitorSendPayload {
  readonly clientMessageId: string;
  readonly text?: string;
  readonly value?: unknown;
  readonly command?: string;
}

/** What a visitor sees of its conversation. */
export interface VisitorConversationView {
  readonly id: string;
  readonly status: ConversationStatus;
  readonly assignee: { readonly id: string; readonly name: string } | null;
}

export interface VisitorClientToServer {
  'message.send': (
    payload: VisitorSendPayload,
    ack?: AckCallback<{ message: MessageView | null; turn: ChatTurn }>,
  ) => void;
  'typing.start': (payload?: object, ack?: AckCallback) => void;
  'typing.stop': (payload?: object, ack?: AckCallback) => void;
  read: (payload: { readonly messageId: string }, ack?: AckCallback<{ seq: number }>) => void;
  sync: (payload: { readonly after?: string } | undefined, ack?: AckCallback<{ messages: MessageView[] }>) => void;
}

export interface VisitorServerToClient {
  'message.created': (message: MessageView) => void;
  'message.updated': (event: MessageUpdatedEvent) => void;
  'conversation.updated': (conversation: VisitorConversationView) => void;
  'typing.start': (event: TypingEvent) => void;
  'typing.stop': (event: TypingEvent) => void;
  read: (event: ReadEvent) => void;
  error: (error: SocketError) => void;
}

export interface VisitorSocketData {
  sessionId: string;
  organizationId: string;
  origin: string | undefined;
  ip: string;
}

// ---- /agent ----

/** What `conversation.join` answers. */
export interface AgentConversationSummary {
  readonly id: string;
  readonly status: ConversationStatus;
  readonly assigneeId: string | null;
  readonly lastSeq: number;
}

/** A conversation event as agents get it: the domain event's payload and when it happened. */
export type AgentConversationEvent<T extends keyof DomainEvents> = DomainEvents[T] & { readonly occurredAt: string };

export interface AgentSendPayload {
  readonly conversationId: string;
  readonly clientMessageId: string;
  readonly text: string;
  readonly private?: boolean;
  /** Members a note mentions (notes only, ≤ 20). */
  readonly mentions?: readonly string[];
}

export interface AgentClientToServer {
  'conversation.join': (
    payload: { readonly conversationId: string },
    ack?: AckCallback<{ conversation: AgentConversationSummary }>,
  ) => void;
  'conversation.leave': (payload: { readonly conversationId: string }, ack?: AckCallback) => void;
  'message.send': (payload: AgentSendPayload, ack?: AckCallback<{ message: MessageView }>) => void;
  'typing.start': (payload: { readonly conversationId: string }, ack?: AckCallback) => void;
  'typing.stop': (payload: { readonly conversationId: string }, ack?: AckCallback) => void;
  read: (
    payload: { readonly conversationId: string; readonly messageId: string },
    ack?: AckCallback<{ seq: number }>,
  ) => void;
  sync: (
    payload: { readonly conversationId: string; readonly after?: string },
    ack?: AckCallback<{ messages: MessageView[] }>,
  ) => void;
  'presence.set': (payload: { readonly status: PresenceStatus }, ack?: AckCallback<{ status: PresenceStatus }>) => void;
  /** The REST actions over the socket (same fields as `POST /conversations/{id}/…`, plus the conversation). */
  'conversation.assign': (
    payload: { readonly conversationId: string; readonly assigneeId: string | null },
    ack?: AckCallback<{ conversation: ConversationDto }>,
  ) => void;
  'conversation.set_status': (
    payload: {
      readonly conversationId: string;
      readonly status: 'open' | 'resolved' | 'snoozed';
      readonly snoozedUntil?: string;
    },
    ack?: AckCallback<{ conversation: ConversationDto }>,
  ) => void;
  'conversation.update': (
    payload: {
      readonly conversationId: string;
      readonly priority?: string;
      readonly labels?: string[];
      readonly departmentId?: string | null;
    },
    ack?: AckCallback<{ conversation: ConversationDto }>,
  ) => void;
  'conversation.handback': (
    payload: { readonly conversationId: string; readonly groupId?: string },
    ack?: AckCallback<{ conversation: ConversationDto }>,
  ) => void;
}

export interface AgentServerToClient {
  'message.created': (message: MessageView) => void;
  'message.updated': (event: MessageUpdatedEvent) => void;
  'conversation.created': (event: AgentConversationEvent<'conversation.created'>) => void;
  'conversation.bot_handoff': (event: AgentConversationEvent<'conversation.bot_handoff'>) => void;
  'conversation.assigned': (event: AgentConversationEvent<'conversation.assigned'>) => void;
  'conversation.status_changed': (event: AgentConversationEvent<'conversation.status_changed'>) => void;
  'conversation.resolved': (event: AgentConversationEvent<'conversation.resolved'>) => void;
  'conversation.updated': (event: AgentConversationEvent<'conversation.updated'>) => void;
  'presence.update': (event: { readonly userId: string; readonly status: PresenceStatus }) => void;
  /** A notification of the user was stored (src/notifications; to `rooms.user`, from any process). */
  'notification.created': (notification: NotificationDto) => void;
  'typing.start': (event: TypingEvent) => void;
  'typing.stop': (event: TypingEvent) => void;
  read: (event: ReadEvent) => void;
  error: (error: SocketError) => void;
}

export interface AgentSocketData {
  userId: string;
  name: string;
  organizationId: string;
  role: OrgRole;
  /** `sid` of the token and how it was issued, for the revocation checks. */
  session: {
    readonly via: 'local' | 'keycloak';
    readonly sessionId: string | undefined;
    readonly issuedAt: number | undefined;
  };
  /** `exp` of the token, epoch seconds. */
  expiresAt: number | undefined;
  departmentIds: string[];
}

/** Server-to-server events (none). */
export type NoInterServerEvents = Record<string, never>;

export const rooms = {
  conversation: (id: string) => `conversation:${id}`,
  org: (id: string) => `org:${id}`,
  /** A user in one organization (a member of several gets only what belongs to the one connected to). */
  user: (organizationId: string, id: string) => `user:${organizationId}:${id}`,
  department: (id: string) => `department:${id}`,
};
