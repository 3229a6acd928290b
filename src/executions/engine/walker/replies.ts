import type { Block, FlowEvent, FlowEventOf } from '@/flows';
import { compareValues, resolveRightOperand } from '../conditions';
import type { ReplyPayload } from '../engine-types';
import { eventExitKey, eventsOfType } from '../flow-index';
import { replyText } from '../inputs/input-types';
import { parseReply } from '../inputs/parse-reply';
import { renderTemplate } from '../templating';
import { continueAfter, goTo, PATH_END, pauseAtInput, pushMark, type Next } from './navigation';
import type { Turn } from './turn';

type ReplyLikeEvent = FlowEventOf<'reply'> | FlowEventOf<'invalidReply'>;

/** The reply as one text, for the `reply` event's filter and its captured content. */
function replyContent(reply: ReplyPayload): string {
  if (reply.fileUrls && reply.fileUrls.length > 0) return reply.fileUrls.join(', ');
  const text = replyText(reply);
  if (text !== undefined) return text;
  return reply.value === undefined ? '' : (JSON.stringify(reply.value) ?? '');
}

/** Fills the event's capture variables: the reply, the input's id (its name) and type. */
function capture(turn: Turn, event: ReplyLikeEvent, block: Block, reply: ReplyPayload): void {
  if (event.contentVariableId !== undefined) turn.store.set(event.contentVariableId, replyContent(reply));
  if (event.inputNameVariableId !== undefined) turn.store.set(event.inputNameVariableId, block.id);
  if (event.inputTypeVariableId !== undefined) turn.store.set(event.inputTypeVariableId, block.type);
}

function hasExit(turn: Turn, eventId: string): boolean {
  return turn.index.exits.has(eventExitKey(eventId));
}

/** Starts an event's flow; without an exit there is nothing to run and the path ends. */
export function startEvent(turn: Turn, event: FlowEvent): Next {
  const edge = turn.index.exits.get(eventExitKey(event.id));
  const kind = `event:${event.type}` as const;
  turn.record(event.id, null, kind, edge ? 'ok' : 'skipped', edge ? undefined : 'the event has no exit');
  return edge ? goTo(turn, edge.to, { blockId: event.id, groupId: null, kind }) : PATH_END;
}

function matchingReplyEvent(turn: Turn, reply: ReplyPayload): FlowEventOf<'reply'> | undefined {
  const content = replyContent(reply);
  return eventsOfType(turn.index, 'reply').find((event) => {
    if (!hasExit(turn, event.id)) return false;
    if (!event.filter) return true;
    const right = resolveRightOperand(event.filter.value, turn.store);
    return compareValues(content, event.filter.operator, right, turn.conditionEnv);
  });
}

function saveAnswer(turn: Turn, block: Block, groupId: string, value: ReturnType<typeof parseReply>): void {
  if (!value.ok) return;
  const variableId =
    block.type === 'embed'
      ? block.options.waitForEvent?.saveDataInVariableId
      : 'variableId' in block.options
        ? block.options.variableId
        : undefined;
  if (variableId !== undefined && value.value !== undefined) turn.store.set(variableId, value.value);
  const flowRef = turn.state.flowRef;
  turn.state.answers[turn.answerKey(block.id)] = {
    blockId: block.id,
    groupId,
    inputType: block.type,
    ...(variableId !== undefined ? { variableId } : {}),
    ...(value.value !== undefined ? { value: value.value } : {}),
    answeredAt: turn.ctx.nowIso,
    ...(flowRef !== null ? { flowRef } : {}),
  };

  delete turn.state.retries[block.id];
}

/** An invalid reply: the `invalidReply` flow when there is one, else the retry message and the same input. */
function rejectReply(turn: Turn, block: Block, groupId: string, reply: ReplyPayload, reason: string): Next {
  turn.state.retries[block.id] = (turn.state.retries[block.id] ?? 0) + 1;
  turn.recordBlock(block, groupId, 'invalid', reason);
  const event = eventsOfType(turn.index, 'invalidReply').find((e) => hasExit(turn, e.id));
  if (event) {
    capture(turn, event, block, reply);
    pushMark(turn, { kind: 'reask', groupId, blockId: block.id, idleFired: false });
    turn.state.pause = null;
    return startEvent(turn, event);
  }
  const retry = 'retryMessage' in block.options ? block.options.retryMessage : '';
  const markdown = renderTemplate(retry, turn.store);
  if (markdown.trim() !== '') turn.say({ type: 'text', blockId: block.id, markdown });
  return pauseAtInput(turn, block, groupId, { isRetry: true, idleFired: false });
}

/**
 * The visitor replied to the input at `blockId`. Unless `viaReplyEvent` (the reply already went
 * through the `reply` event), a matching `reply` event runs first and a `return` brings the
 * reply back here.
 */
export function handleReply(
  turn: Turn,
  block: Block,
  groupId: string,
  reply: ReplyPayload,
  viaReplyEvent: boolean,
): Next {
  turn.state.pause = null;
  if (!viaReplyEvent) {
    const event = matchingReplyEvent(turn, reply);
    if (event) {
      capture(turn, event, block, reply);
      pushMark(turn, { kind: 'reply', groupId, blockId: block.id, reply });
      return startEvent(turn, event);
    }
  }
  const parsed = parseReply(block, reply, turn.parseEnv);
  if (!parsed.ok) return rejectReply(turn, block, groupId, reply, parsed.reason);
  saveAnswer(turn, block, groupId, parsed);
  turn.recordBlock(block, groupId, 'ok', parsed.warning);
  return continueAfter(turn, block, groupId, parsed.itemId);
}
