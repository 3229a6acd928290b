import type { MessageView } from '@/chat/message-view';
import type { ChatMessage, ChatTurn } from '../chat-view';
import type { Awaiting } from '../engine/engine-types';

/** The block id Typebot clients see for live-chat lines and the free-text input while a human owns the chat. */
export const LIVE_CHAT_BLOCK_ID = 'parley-live-chat';

/** The free-text input a Typebot client keeps while a human owns the conversation. */
export const liveChatInput: Awaiting = {
  type: 'textInput',
  multiline: false,
  blockId: LIVE_CHAT_BLOCK_ID,
  groupId: LIVE_CHAT_BLOCK_ID,
  placeholder: 'Write to the team…',
  isRetry: false,
};

/** An agent's message or an activity line as a Typebot text bubble ("**Ada:** hello", "_Ada joined_"). */
export function liveChatBubble(message: MessageView): ChatMessage {
  const text = message.text ?? '';
  const markdown =
    message.sender.type === 'agent' ? `**${escapeMarkdown(message.sender.name ?? 'Agent')}:** ${text}` : `_${text}_`;
  return { id: message.id, type: 'text', blockId: LIVE_CHAT_BLOCK_ID, markdown };
}

const escapeMarkdown = (s: string): string => s.replace(/([\\*_`[\]])/g, '\\$1');

/**
 * What a Typebot client (its embed cannot be pushed to) sees while a human owns the conversation:
 * the bot's last words, then what agents wrote since it was last shown anything, and a text input
 * so the visitor can keep writing; each answer (or a continueChat without a message) brings what
 * came since. A turn the bot still owns is unchanged.
 */
export function typebotLiveChatTurn(turn: ChatTurn, unseen: readonly MessageView[]): ChatTurn {
  if (turn.status !== 'handoff') return turn;
  return { ...turn, messages: [...turn.messages, ...unseen.map(liveChatBubble)], input: liveChatInput };
}
