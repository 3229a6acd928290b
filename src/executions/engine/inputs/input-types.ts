import { isInputType, type Block, type BlockOf, type InputBlockType, type VariableValue } from '@/flows';
import type { ConditionEnv } from '../conditions';
import type { EngineLimits, ReplyPayload } from '../engine-types';
import type { VariableScope } from '../values/variable-store';

/** What a reply parser may read besides the block and the reply. */
export interface ParseEnv {
  scope: VariableScope;
  conditions: ConditionEnv;
  limits: EngineLimits;
}

export type ParsedReply =
  | {
      ok: true;
      /** Saved in the block's variable and in `answers`; undefined when an optional input was skipped. */
      value: VariableValue | undefined;
      /** The chosen item of a single-select choice (its exit is taken). */
      itemId?: string;
      /** Something the log should mention (a pattern that was not run). */
      warning?: string;
    }
  | { ok: false; reason: string };

export const invalid = (reason: string): ParsedReply => ({ ok: false, reason });
export const valid = (
  value: VariableValue | undefined,
  extra: { itemId?: string; warning?: string } = {},
): ParsedReply => ({
  ok: true,
  value,
  ...extra,
});

/** The reply as text: `text`, else a scalar `value`. */
export function replyText(reply: ReplyPayload): string | undefined {
  if (typeof reply.text === 'string') return reply.text;
  if (typeof reply.value === 'string') return reply.value;
  if (typeof reply.value === 'number' && Number.isFinite(reply.value)) return String(reply.value);
  if (typeof reply.value === 'boolean') return String(reply.value);
  return undefined;
}

/** The reply's text, trimmed, or the reason it cannot be used. */
export function requiredText(reply: ReplyPayload, limits: EngineLimits): { text: string } | { reason: string } {
  const text = replyText(reply);
  if (text === undefined || text.trim() === '') return { reason: 'the reply is empty' };
  if (text.length > limits.maxReplyLength)
    return { reason: `the reply is longer than ${limits.maxReplyLength} characters` };
  return { text: text.trim() };
}

/** Blocks that wait for a reply: inputs, and embeds waiting for an event of their page. */
export type ReplyBlock = BlockOf<InputBlockType | 'embed'>;

export function isReplyBlock(block: Block): block is ReplyBlock {
  return isInputType(block.type) || block.type === 'embed';
}
