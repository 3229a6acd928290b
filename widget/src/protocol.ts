/**
 * What the widget reads from the Parley API: the visitor chat REST API (src/executions/chat.controller.ts)
 * and the `/visitor` Socket.IO namespace (docs/live-chat.md). Answers are checked loosely at the
 * boundary (`asTurn`, `asSessionView`, `asMessageView`): what the widget cannot use is dropped.
 */

export type BotMessage = { id: string; blockId?: string } & (
  | { type: 'text'; markdown: string }
  | { type: 'image'; url: string; alt?: string; clickLink?: { url: string; alt?: string } }
  | { type: 'video'; url: string; provider?: string }
  | { type: 'audio'; url: string }
  | { type: 'embed'; url: string; heightPx?: number }
);

export interface Choice {
  id: string;
  label: string;
}

export interface PictureChoice {
  id: string;
  pictureUrl: string;
  title?: string;
  description?: string;
}

/** The awaited input (the engine's `Awaiting`), with the options the widget renders. */
export interface Input {
  type: string;
  blockId?: string;
  placeholder?: string;
  buttonLabel?: string;
  retryMessage?: string;
  isRetry?: boolean;
  multiline?: boolean;
  min?: number | string;
  max?: number | string;
  step?: number;
  hasTime?: boolean;
  isRange?: boolean;
  fromLabel?: string;
  toLabel?: string;
  rangeSeparator?: string;
  length?: number;
  startsAt?: number;
  style?: 'numbers' | 'icons';
  leftLabel?: string;
  rightLabel?: string;
  oneClickSubmit?: boolean;
  multiple?: boolean;
  searchable?: boolean;
  choices?: (Choice | PictureChoice)[];
}

export interface Action {
  type: 'redirect' | 'wait';
  afterMessageCount: number;
  url?: string;
  newTab?: boolean;
  seconds?: number;
}

/** `active` while the bot runs it, `handoff` once a human was asked for; the rest are over. */
export type SessionStatus = 'active' | 'completed' | 'handoff' | 'failed';

export interface Turn {
  sessionId: string;
  status: SessionStatus;
  messages: BotMessage[];
  input: Input | null;
  actions: Action[];
  progress: number | null;
}

export interface StartedSession extends Turn {
  sessionToken: string;
}

export interface TranscriptEntry {
  /** The message's id in the conversation (the same id sockets and REST answers use). */
  id?: string;
  seq?: number;
  role: string;
  at?: string;
  /** Agents: their name. */
  name?: string;
  content: unknown;
}

export interface SessionView {
  sessionId: string;
  status: SessionStatus;
  input: Input | null;
  transcript: TranscriptEntry[];
}

/** The visitor's reply: typed text, a structured value, or a flow command. */
export interface Reply {
  text?: string;
  value?: unknown;
  command?: string;
}

export type SenderType = 'bot' | 'visitor' | 'agent' | 'system';

/** A message of the conversation's one history, as the socket sends it. */
export interface MessageView {
  id: string;
  conversationId?: string;
  seq: number;
  sender: { type: SenderType; id?: string; name?: string };
  kind: string;
  content: unknown;
  text: string | null;
  clientMessageId?: string | null;
}

export interface ConversationUpdate {
  id?: string;
  status?: string;
  assignee?: { id: string; name?: string } | null;
}

/** `typing.start` / `typing.stop`: who is typing in the conversation (an agent carries its name). */
export interface TypingEvent {
  conversationId?: string;
  sender?: { type?: string; id?: string; name?: string };
}

export type SendAck =
  { ok: true; message?: MessageView; turn?: Turn } | { ok: false; error?: { code?: string; message?: string } };

// ---------------------------------------------------------------------------------------------

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function asBotMessage(value: unknown): BotMessage | undefined {
  if (!isObject(value)) return undefined;
  const id = str(value.id) ?? '';
  const blockId = str(value.blockId);
  const url = str(value.url);
  switch (value.type) {
    case 'text': {
      const markdown = str(value.markdown);
      return markdown === undefined ? undefined : { id, blockId, type: 'text', markdown };
    }
    case 'image': {
      if (url === undefined) return undefined;
      const link = isObject(value.clickLink) ? str(value.clickLink.url) : undefined;
      return {
        id,
        blockId,
        type: 'image',
        url,
        alt: str(value.alt),
        ...(link ? { clickLink: { url: link } } : {}),
      };
    }
    case 'video':
      return url === undefined ? undefined : { id, blockId, type: 'video', url, provider: str(value.provider) };
    case 'audio':
      return url === undefined ? undefined : { id, blockId, type: 'audio', url };
    case 'embed':
      return url === undefined ? undefined : { id, blockId, type: 'embed', url };
    default:
      return undefined;
  }
}

export function asInput(value: unknown): Input | null {
  if (!isObject(value) || typeof value.type !== 'string') return null;
  const choices = Array.isArray(value.choices)
    ? value.choices.filter((c): c is Choice | PictureChoice => isObject(c) && typeof c.id === 'string')
    : undefined;
  return { ...(value as Partial<Input>), type: value.type, ...(choices ? { choices } : {}) };
}

const statuses: readonly SessionStatus[] = ['active', 'completed', 'handoff', 'failed'];
const asStatus = (value: unknown): SessionStatus =>
  statuses.find((s) => s === value) ?? (value === undefined ? 'active' : 'completed');

export function asTurn(value: unknown): Turn | undefined {
  if (!isObject(value) || typeof value.sessionId !== 'string') return undefined;
  const messages = Array.isArray(value.messages) ? value.messages.map(asBotMessage) : [];
  const actions = Array.isArray(value.actions)
    ? value.actions.filter((a): a is Action => isObject(a) && (a.type === 'redirect' || a.type === 'wait'))
    : [];
  return {
    sessionId: value.sessionId,
    status: asStatus(value.status),
    messages: messages.filter((m): m is BotMessage => m !== undefined),
    input: asInput(value.input),
    actions,
    progress: typeof value.progress === 'number' ? value.progress : null,
  };
}

export function asStartedSession(value: unknown): StartedSession | undefined {
  const turn = asTurn(value);
  const token = isObject(value) ? str(value.sessionToken) : undefined;
  return turn && token ? { ...turn, sessionToken: token } : undefined;
}

export function asSessionView(value: unknown): SessionView | undefined {
  if (!isObject(value) || typeof value.sessionId !== 'string') return undefined;
  const transcript = Array.isArray(value.transcript)
    ? value.transcript.filter((e): e is TranscriptEntry => isObject(e) && typeof e.role === 'string')
    : [];
  return { sessionId: value.sessionId, status: asStatus(value.status), input: asInput(value.input), transcript };
}

const senderTypes: readonly SenderType[] = ['bot', 'visitor', 'agent', 'system'];

export function asMessageView(value: unknown): MessageView | undefined {
  if (!isObject(value) || typeof value.id !== 'string' || !isObject(value.sender)) return undefined;
  const type = senderTypes.find((t) => t === (value.sender as Record<string, unknown>).type);
  if (!type) return undefined;
  return {
    id: value.id,
    conversationId: str(value.conversationId),
    seq: typeof value.seq === 'number' ? value.seq : 0,
    sender: { type, id: str(value.sender.id), name: str(value.sender.name) },
    kind: str(value.kind) ?? 'message',
    content: value.content,
    text: str(value.text) ?? null,
    clientMessageId: str(value.clientMessageId) ?? null,
  };
}

export function asConversationUpdate(value: unknown): ConversationUpdate | undefined {
  if (!isObject(value)) return undefined;
  const assignee = value.assignee;
  return {
    id: str(value.id),
    status: str(value.status),
    ...(assignee === null
      ? { assignee: null }
      : isObject(assignee) && typeof assignee.id === 'string'
        ? { assignee: { id: assignee.id, name: str(assignee.name) } }
        : {}),
  };
}

export function asTypingEvent(value: unknown): TypingEvent {
  if (!isObject(value)) return {};
  const sender = isObject(value.sender) ? value.sender : undefined;
  return {
    conversationId: str(value.conversationId),
    ...(sender ? { sender: { type: str(sender.type), id: str(sender.id), name: str(sender.name) } } : {}),
  };
}

/** The text an RFC 9457 problem answer shows to the visitor. */
export function problemMessage(value: unknown, fallback: string): string {
  if (!isObject(value)) return fallback;
  return str(value.detail) ?? str(value.title) ?? fallback;
}
