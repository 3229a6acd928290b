import type { Awaiting, BotMessage } from './engine/engine-types';
import type { SessionState } from './engine/session-state';
import type { SessionResult, SessionStatus, TranscriptEntry } from './entities/chat-session.entity';
import type { CachedFlow } from './flow-cache';
import type { ClientAction, TurnOutcome } from './turn-runner';

/** A bot message as the chat API sends it: the engine's message with a stable id. */
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

export const withIds = (messages: readonly BotMessage[], turn: number): ChatMessage[] =>
  messages.map((m, i) => ({ ...m, id: `${turn}.${i}` }));

export function transcriptOf(reply: unknown, messages: readonly ChatMessage[], at: string): TranscriptEntry[] {
  return [
    ...(reply === undefined ? [] : [{ role: 'visitor' as const, at, content: reply }]),
    ...messages.map((m) => ({ role: 'bot' as const, at, blockId: m.blockId, content: m })),
  ];
}

/** The flow a session runs, as cached or (previews) frozen in the row. */
export type SessionFlow = Pick<CachedFlow, 'flow' | 'inputCount' | 'savedVariables'> & {
  settings?: CachedFlow['settings'];
};
