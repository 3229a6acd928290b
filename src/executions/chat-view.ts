import type { Awaiting, BotMessage } from './engine/engine-types';
import type { SessionState } from './engine/session-state';
import { newId } from '@/database/base.entity';
import type { NewMessage } from '@/chat/message-view';
import { replyText } from '@/chat/message-view';
import type { SessionResult, SessionStatus } from './entities/chat-session.entity';
import type { CachedFlow } from './flow-cache';
import type { ClientAction, TurnOutcome } from './turn-runner';

/** A bot message as the chat API sends it: the engine's message with its id in the conversation's history. */
export type ChatMessage = BotMessage & { id: string };

export interface ChatTurn {
  sessionId: string;
  status: SessionStatus;
  messages: ChatMessage[];
  input: Awaiting | null;
  actions: ClientAction[];
  progress: number | null;
}

export const sessionStatusOf = (outcome: TurnOutcome): SessionStatus =>
  outcome.error?.code === 'engine.loop_limit'
    ? 'failed'
    : outcome.status === 'handoff'
      ? 'handoff'
      : outcome.status === 'completed'
        ? 'completed'
        : 'active';

/** Share of the flow's inputs answered (0–100), 100 once completed. */
export function progressOf(state: SessionState, inputCount: number, completed: boolean): number | null {
  if (completed) return 100;
  if (inputCount === 0) return null;
  return Math.min(99, Math.round((Object.keys(state.answers).length / inputCount) * 100));
}

/** Variables saved in results (by name) and the answer of each input (by block id). */
export function resultOf(state: SessionState, savedVariables: ReadonlyMap<string, string>): SessionResult {
  const variables: Record<string, unknown> = {};
  for (const [id, name] of savedVariables) if (id in state.variables) variables[name] = state.variables[id];
  const answers: Record<string, unknown> = {};
  for (const [blockId, answer] of Object.entries(state.answers)) answers[blockId] = answer.value ?? null;
  return { variables, answers };
}

/** The engine's messages with the ids they are stored under (UUIDv7, made once per message). */
export const withIds = (messages: readonly BotMessage[]): ChatMessage[] => messages.map((m) => ({ ...m, id: newId() }));

/** Plain text of a bot message (text bubbles: their markdown; media: the URL). */
const botText = (m: BotMessage): string | null => {
  const { markdown, url } = m as { markdown?: unknown; url?: unknown };
  return typeof markdown === 'string' ? markdown : typeof url === 'string' ? url : null;
};

/** The bot's messages of a turn, as stored in the conversation (the id is the row's, not repeated in content). */
export const botMessages = (messages: readonly ChatMessage[]): NewMessage[] =>
  messages.map(({ id, ...content }) => ({
    id,
    sender: { type: 'bot' },
    kind: 'message',
    content,
    text: botText(content),
  }));

/** The visitor's message of a turn: its payload, its clientMessageId and the answer to give a resend. */
export const visitorMessage = (
  reply: unknown,
  clientMessageId: string | undefined,
  response: unknown,
  id: string = newId(),
): NewMessage => ({
  id,
  sender: { type: 'visitor' },
  kind: 'message',
  content: reply,
  text: replyText(reply),
  clientMessageId: clientMessageId ?? null,
  response,
});

/** The flow a session runs, as cached or (previews) frozen in the row. */
export type SessionFlow = Pick<CachedFlow, 'flow' | 'inputCount' | 'savedVariables'> & {
  settings?: CachedFlow['settings'];
};
