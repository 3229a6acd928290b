import type { DeliveryStatus, MessageKind, SenderType } from './entities/conversation-message.entity';

/** Who wrote a message: the bot, the visitor, an agent (id and name) or the system (activity lines). */
export interface MessageSender {
  readonly type: SenderType;
  readonly id?: string;
  readonly name?: string;
}

/** A message as REST, sockets and events show it (never the stored `response`). */
export interface MessageView {
  readonly id: string;
  readonly conversationId: string;
  readonly seq: number;
  readonly sender: MessageSender;
  readonly kind: MessageKind;
  readonly content: unknown;
  readonly text: string | null;
  readonly clientMessageId: string | null;
  readonly status: DeliveryStatus;
  readonly createdAt: string;
}

/** A message about to be stored; `seq` is given by the statement that stores it. */
export interface NewMessage {
  readonly id: string;
  readonly sender: MessageSender;
  readonly kind: MessageKind;
  readonly content: unknown;
  readonly text: string | null;
  readonly clientMessageId?: string | null;
  /** What to answer a resend of `clientMessageId`. */
  readonly response?: unknown;
}

/** The view of a message stored as `seq` of `conversationId` at `createdAt`. */
export const viewOf = (conversationId: string, seq: number, message: NewMessage, createdAt: Date): MessageView => ({
  id: message.id,
  conversationId,
  seq,
  sender: message.sender,
  kind: message.kind,
  content: message.content,
  text: message.text,
  clientMessageId: message.clientMessageId ?? null,
  status: 'sent',
  createdAt: createdAt.toISOString(),
});

/** What visitors may see: everything but private notes. */
export const visibleToVisitor = (message: Pick<MessageView, 'kind'>): boolean => message.kind !== 'note';

/** Plain text of a visitor's reply payload (`{ text }`, `{ value }`, `{ command }`, `{ fileUrls }`). */
export function replyText(reply: unknown): string | null {
  if (!reply || typeof reply !== 'object') return null;
  const r = reply as { text?: unknown; value?: unknown; command?: unknown; fileUrls?: unknown };
  if (typeof r.text === 'string') return r.text;
  if (typeof r.command === 'string') return `/${r.command}`;
  if (r.value !== undefined) return typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
  if (Array.isArray(r.fileUrls)) return r.fileUrls.join(' ');
  return null;
}
