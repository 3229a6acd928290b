import type { FlowDocument } from '@/flows';
import type { Awaiting, EngineContext, EngineStatus } from './engine-types';
import { blockExitKey, firstIdleEvent, indexFlow } from './flow-index';
import { describeInput } from './inputs/awaiting-options';
import type { SessionState } from './session-state';
import { VariableStore } from './values/variable-store';
import { flowFor, resolveContext, type ResolvedContext } from './walker/turn';

export function statusOf(state: SessionState): EngineStatus {
  if (state.pause?.kind === 'input') return 'awaiting_input';
  if (state.pause?.kind === 'effect') return 'awaiting_effect';
  return state.endedBy === 'handoff' ? 'handoff' : 'completed';
}

export function describeWith(flow: FlowDocument, state: SessionState, ctx: ResolvedContext): Awaiting | null {
  const pause = state.pause;
  if (pause?.kind !== 'input') return null;
  const current = flowFor(flow, state.flowRef, ctx);
  if (!current) return null;
  const index = indexFlow(current);
  const located = index.blocks.get(pause.blockId);
  if (!located) return null;
  // A copy, so that describing never changes the state.
  const scope = new VariableStore({ ...state.variables }, index, ctx.contact);
  const idle = pause.idleFired ? undefined : firstIdleEvent(index);
  const exit = index.exits.get(blockExitKey(located.block.id));
  return describeInput(
    located.block,
    {
      groupId: located.group.id,
      isRetry: pause.isRetry,
      ...(idle ? { idleTimeoutSeconds: idle.timeoutSeconds } : {}),
      ...(exit ? { outgoingEdgeId: exit.id } : {}),
    },
    {
      scope,
      conditions: { scope, maxRegexInputLength: ctx.limits.maxRegexInputLength },
      limits: ctx.limits,
    },
  );
}

/**
 * What a stored session waits for (to resume a conversation): the input with its options, or
 * null when it waits for an effect or has ended. Linked bots' flows come from `context`.
 */
export function describeAwaiting(
  flow: FlowDocument,
  state: SessionState,
  context: Pick<EngineContext, 'limits' | 'linkedFlows'> = {},
): Awaiting | null {
  return describeWith(flow, state, resolveContext({ now: new Date(0), random: () => 0, ...context }));
}
