import type { BlockOf } from '@/flows';
import { eventExitKey } from '../flow-index';
import type { LinkFrame, ResumeMark } from '../session-state';
import { defaultValues } from '../values/variable-store';
import { continueAfter, endSession, goTo, pauseAtInput, PATH_END, STOP, type Next } from './navigation';
import { handleReply } from './replies';
import { runBlock } from './run-block';
import type { Turn } from './turn';

/** Runs blocks from `start` until the flow waits or ends, or the turn's block budget runs out. */
export function walk(turn: Turn, start: Next): void {
  let next = start;
  while (next.kind !== 'stop') {
    if (next.kind === 'pathEnd' || next.kind === 'return') {
      next = endPath(turn, next.kind === 'return');
      continue;
    }
    const group = turn.index.groups.get(next.groupId);
    const block = group?.blocks[next.index];
    if (!group || !block) {
      next = PATH_END;
      continue;
    }
    if (turn.blocksRun >= turn.ctx.limits.maxBlocksPerTurn) {
      stopRunaway(turn, block.id, group.id);
      return;
    }
    turn.blocksRun += 1;
    next = runBlock(turn, block, group.id);
  }
}

function stopRunaway(turn: Turn, blockId: string, groupId: string): void {
  const max = turn.ctx.limits.maxBlocksPerTurn;
  const message = `the flow ran ${max} blocks without waiting for the visitor (a loop?); the session was ended`;
  const located = turn.index.blocks.get(blockId);
  turn.record(blockId, groupId, located?.block.type ?? 'jump', 'error', message);
  turn.error = { code: 'engine.loop_limit', message };
  endSession(turn, 'error');
}

/** Where a remembered mark resumes. */
function resumeMark(turn: Turn, mark: ResumeMark): Next {
  switch (mark.kind) {
    case 'goto':
      return goTo(turn, mark.target, {
        blockId: mark.target.blockId ?? mark.target.groupId,
        groupId: null,
        kind: 'return',
      });
    case 'endPath':
      return PATH_END;
    case 'reask':
    case 'reply': {
      const located = turn.index.blocks.get(mark.blockId);
      if (!located) return PATH_END;
      return mark.kind === 'reask'
        ? pauseAtInput(turn, located.block, located.group.id, { isRetry: false, idleFired: mark.idleFired })
        : handleReply(turn, located.block, located.group.id, mark.reply, true);
    }
  }
}

const isEventMark = (mark: ResumeMark) => mark.kind === 'reask' || mark.kind === 'reply';

/**
 * The current path ended: resume the last remembered mark, else return to the parent bot, else
 * the conversation is over. An input interrupted by an event (reply, invalid reply, idle,
 * command) resumes only through a `return` block: when the event's flow just runs out, the
 * interrupted input is dropped (the flow took another way, like Typebot's reply events).
 */
export function endPath(turn: Turn, byReturn: boolean): Next {
  const stack = turn.state.returnStack;
  if (!byReturn) while (stack.length > 0 && isEventMark(stack[stack.length - 1] as ResumeMark)) stack.pop();
  const mark = stack.pop();
  if (mark) return resumeMark(turn, mark);
  const frame = turn.state.linkStack.pop();
  if (frame) return leaveLinkedBot(turn, frame);
  return endSession(turn, 'flow');
}

/** Runs the linked bot `flowRef` (loaded by the service) and remembers where the parent resumes. */
export function enterLinkedBot(turn: Turn, block: BlockOf<'linkBot'>, groupId: string, flowRef: string): Next {
  const parentValues = turn.store.named();
  const frame: LinkFrame = {
    flowRef: turn.state.flowRef,
    variables: turn.state.variables,
    returnStack: turn.state.returnStack,
    resumeAfter: { groupId, blockId: block.id },
    mergeVariables: block.options.mergeVariables,
  };
  turn.state.linkStack.push(frame);
  turn.state.flowRef = flowRef;
  turn.state.returnStack = [];
  turn.state.variables = {};
  if (!turn.useFlow(flowRef)) return STOP;
  turn.replaceVariables(defaultValues(turn.index));
  // Variables with the same name start with the parent's value.
  for (const [name, value] of Object.entries(parentValues)) {
    const variable = turn.index.variablesByName.get(name.trim());
    if (variable) turn.store.set(variable.id, value);
  }
  const target = block.options.groupId;
  if (target !== undefined) return goTo(turn, { groupId: target }, { blockId: block.id, groupId, kind: 'linkBot' });
  const start = turn.index.events.find((e) => e.type === 'start');
  const edge = start ? turn.index.exits.get(eventExitKey(start.id)) : undefined;
  return edge ? goTo(turn, edge.to, { blockId: block.id, groupId, kind: 'linkBot' }) : PATH_END;
}

/** The linked bot ended: back to the parent (copying variables back by name when asked). */
function leaveLinkedBot(turn: Turn, frame: LinkFrame): Next {
  const childValues = turn.store.named();
  turn.state.flowRef = frame.flowRef;
  turn.state.variables = frame.variables;
  turn.state.returnStack = frame.returnStack;
  if (!turn.useFlow(frame.flowRef)) return endSession(turn, 'error');
  if (frame.mergeVariables) {
    for (const [name, value] of Object.entries(childValues)) {
      const variable = turn.index.variablesByName.get(name.trim());
      if (variable) turn.store.set(variable.id, value);
    }
  }
  const located = turn.index.blocks.get(frame.resumeAfter.blockId);
  if (!located) return PATH_END;
  return continueAfter(turn, located.block, located.group.id);
}
