import type { Block, EdgeTarget } from '@/flows';
import type { Effect, StepKind } from '../engine-types';
import { blockExitKey } from '../flow-index';
import type { ResumeMark, SessionState } from '../session-state';
import type { Turn } from './turn';

/**
 * Where the walk goes next. `pathEnd`: the path ran out; `return`: a `return` block ended it
 * (only a `return` resumes an input interrupted by an event).
 */
export type Next =
  { kind: 'at'; groupId: string; index: number } | { kind: 'pathEnd' } | { kind: 'return' } | { kind: 'stop' };

export const PATH_END: Next = { kind: 'pathEnd' };
export const RETURN: Next = { kind: 'return' };
export const STOP: Next = { kind: 'stop' };

/** The block or event a move starts from, for the log. */
export interface Origin {
  blockId: string;
  groupId: string | null;
  kind: StepKind;
}

export const originOf = (block: Block, groupId: string): Origin => ({ blockId: block.id, groupId, kind: block.type });

/** The start of a group, or one of its blocks. An unknown group ends the path (logged). */
export function goTo(turn: Turn, target: EdgeTarget, from: Origin): Next {
  const group = turn.index.groups.get(target.groupId);
  if (!group) {
    turn.record(from.blockId, from.groupId, from.kind, 'error', `group "${target.groupId}" does not exist`);
    return PATH_END;
  }
  const index = target.blockId === undefined ? 0 : group.blocks.findIndex((b) => b.id === target.blockId);
  return { kind: 'at', groupId: group.id, index: Math.max(index, 0) };
}

/** Follows the exit `key` when it exists. */
function followExit(turn: Turn, key: string, from: Origin): Next | undefined {
  const edge = turn.index.exits.get(key);
  return edge ? goTo(turn, edge.to, from) : undefined;
}

/**
 * After a block: the chosen item's exit, else the block's exit, else the next block of the group;
 * after the last block the path ends.
 */
export function continueAfter(turn: Turn, block: Block, groupId: string, itemId?: string): Next {
  const from = originOf(block, groupId);
  const viaItem = itemId === undefined ? undefined : followExit(turn, blockExitKey(block.id, itemId), from);
  const viaExit = viaItem ?? followExit(turn, blockExitKey(block.id), from);
  if (viaExit) return viaExit;
  const located = turn.index.blocks.get(block.id);
  if (!located || located.index + 1 >= located.group.blocks.length) return PATH_END;
  return { kind: 'at', groupId: located.group.id, index: located.index + 1 };
}

/** The item's own exit, or the end of the path (a true condition branch without exit). */
export function itemExitOrEnd(turn: Turn, block: Block, groupId: string, itemId: string): Next {
  return followExit(turn, blockExitKey(block.id, itemId), originOf(block, groupId)) ?? PATH_END;
}

export function pushMark(turn: Turn, mark: ResumeMark): void {
  const stack = turn.state.returnStack;
  stack.push(mark);
  if (stack.length > turn.ctx.limits.maxReturnStack) stack.shift();
}

export function pauseAtInput(
  turn: Turn,
  block: Block,
  groupId: string,
  flags: { isRetry: boolean; idleFired: boolean },
): Next {
  turn.state.pause = { kind: 'input', groupId, blockId: block.id, ...flags };
  turn.recordBlock(block, groupId, 'awaiting_input');
  return STOP;
}

export function awaitEffect(turn: Turn, block: Block, groupId: string, effect: Effect & { awaitsResult: true }): Next {
  turn.effects.push(effect);
  turn.state.pause = { kind: 'effect', groupId, blockId: block.id, effectId: effect.effectId, effectKind: effect.kind };
  turn.state.pendingEffectIds = [effect.effectId];
  turn.recordBlock(block, groupId, 'awaiting_effect');
  return STOP;
}

/**
 * A `handoff` block hands the conversation to a human: the session ends, remembering the block
 * and the jump and linked-bot stacks so that a hand-back (`resume`) continues as the walk would have.
 */
export function handOff(turn: Turn, block: Block, groupId: string): Next {
  const { returnStack, linkStack } = turn.state;
  endSession(turn, 'handoff');
  turn.state.returnStack = returnStack;
  turn.state.linkStack = linkStack;
  turn.state.handoff = { groupId, blockId: block.id };
  return STOP;
}

/** A hand-back: the handed-off session is live again (its walk starts from the caller's `Next`). */
export function reopenSession(turn: Turn): void {
  turn.state.completed = false;
  turn.state.endedBy = null;
  turn.state.handoff = null;
}

export function endSession(turn: Turn, reason: NonNullable<SessionState['endedBy']>): Next {
  const state = turn.state;
  state.completed = true;
  state.endedBy = reason;
  state.pause = null;
  state.pendingEffectIds = [];
  state.returnStack = [];
  state.linkStack = [];
  return STOP;
}
