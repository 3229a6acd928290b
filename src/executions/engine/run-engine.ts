import type { Block, FlowDocument } from '@/flows';
import { assertNever } from './assert-never';
import { describeWith, statusOf } from './describe-awaiting';
import {
  applyHttpResult,
  applyOpenAiResult,
  applyOpenAiSpeechResult,
  applyOpenAiTranscriptionResult,
  linkBotResultSchema,
} from './effects/effect-results';
import type {
  AwaitedEffectKind,
  EngineContext,
  EngineError,
  EngineErrorCode,
  EngineInput,
  EngineResult,
} from './engine-types';
import { eventExitKey, eventsOfType, firstIdleEvent } from './flow-index';
import { emptySessionState, SESSION_STATE_VERSION, type SessionState } from './session-state';
import { defaultValues, findVariable, type VariableStore } from './values/variable-store';
import { continueAfter, goTo, PATH_END, pushMark, reopenSession, type Next, type Origin } from './walker/navigation';
import { handleReply, startEvent } from './walker/replies';
import { flowFor, resolveContext, Turn, type ResolvedContext } from './walker/turn';
import { enterLinkedBot, walk } from './walker/walk';

type StartInput = Extract<EngineInput, { type: 'start' }>;
type EffectResultInput = Extract<EngineInput, { type: 'effectResult' }>;
type ResumeInput = Extract<EngineInput, { type: 'resume' }>;
/** Inputs of a live session (start opens one, resume reopens a handed-off one). */
type LiveInput = Exclude<EngineInput, StartInput | ResumeInput>;

function finish(turn: Turn, flow: FlowDocument): EngineResult {
  turn.state.updatedAt = turn.ctx.nowIso;
  return {
    messages: turn.messages,
    awaiting: describeWith(flow, turn.state, turn.ctx),
    effects: turn.effects,
    nextState: turn.state,
    log: turn.log,
    status: statusOf(turn.state),
    ...(turn.error ? { error: turn.error } : {}),
  };
}

/** The input does not apply to the state: nothing changes. */
function rejected(
  flow: FlowDocument,
  state: SessionState,
  ctx: ResolvedContext,
  code: EngineErrorCode,
  message: string,
): EngineResult {
  const error: EngineError = { code, message };
  return {
    messages: [],
    awaiting: describeWith(flow, state, ctx),
    effects: [],
    nextState: state,
    log: [],
    status: statusOf(state),
    error,
  };
}

function entryPoint(turn: Turn, input: StartInput): Next {
  if (input.startGroupId !== undefined) {
    return goTo(
      turn,
      { groupId: input.startGroupId },
      { blockId: input.startGroupId, groupId: null, kind: 'event:start' },
    );
  }
  const event =
    input.startEventId !== undefined
      ? turn.index.events.find((e) => e.id === input.startEventId)
      : eventsOfType(turn.index, 'start')[0];
  return event ? startEvent(turn, event) : PATH_END;
}

function startSession(flow: FlowDocument, input: StartInput, ctx: ResolvedContext): EngineResult {
  const state = emptySessionState(ctx.nowIso);
  const turn = new Turn(flow, state, ctx);
  turn.useFlow(null);
  turn.replaceVariables(defaultValues(turn.index));
  for (const [key, value] of Object.entries(input.variables ?? {})) {
    const variable = findVariable(turn.index, key);
    if (variable) turn.store.set(variable.id, value);
  }
  walk(turn, entryPoint(turn, input));
  return finish(turn, flow);
}

/** Stores what an awaited effect returned (its response mapping); returns the problems to log. */
function applyEffectResult(kind: AwaitedEffectKind, block: Block, data: unknown, turn: Turn): string[] {
  const store: VariableStore = turn.store;
  switch (kind) {
    case 'httpRequest':
      return block.type === 'httpRequest' ? applyHttpResult(block, data, store).errors : [];
    case 'openAiChat':
      return block.type === 'openAiChat' ? applyOpenAiResult(block, data, store).errors : [];
    case 'openAiTranscription':
      return block.type === 'openAiTranscription' ? applyOpenAiTranscriptionResult(block, data, store).errors : [];
    case 'openAiSpeech': {
      if (block.type !== 'openAiSpeech') return [];
      const applied = applyOpenAiSpeechResult(block, data, store);
      if (applied.url !== undefined && block.options.sendAudio) {
        turn.say({ type: 'audio', blockId: block.id, url: applied.url, autoplay: block.options.autoplay });
      }
      return applied.errors;
    }
    case 'wait':
      return [];
    case 'updateContact':
      return []; // the service feeds the contact's new values into the next call's context
    case 'linkBot':
      return []; // onEffectResult enters the linked bot itself
    default:
      return assertNever(kind, 'effect kind');
  }
}

function onEffectResult(turn: Turn, input: EffectResultInput): Next {
  const pause = turn.state.pause;
  const located = pause ? turn.index.blocks.get(pause.blockId) : undefined;
  if (pause?.kind !== 'effect' || !located) return PATH_END;
  const { block, group } = located;
  turn.state.pause = null;
  turn.state.pendingEffectIds = [];
  const failed = input.outcome === 'error';
  const failure = input.error ?? 'the effect failed';
  if (block.type === 'linkBot') {
    const parsed = linkBotResultSchema.safeParse(input.data);
    const flowRef = parsed.success ? parsed.data.flowRef : undefined;
    if (!failed && flowRef !== undefined && turn.ctx.linkedFlows[flowRef]) {
      turn.recordBlock(block, group.id, 'ok');
      return enterLinkedBot(turn, block, group.id, flowRef);
    }
    turn.recordBlock(block, group.id, 'error', failed ? failure : 'the linked bot could not be loaded');
  } else if (failed) {
    turn.recordBlock(block, group.id, 'error', failure);
  } else {
    const errors = applyEffectResult(pause.effectKind, block, input.data, turn);
    turn.recordBlock(block, group.id, errors.length > 0 ? 'error' : 'ok', errors.join('; ') || undefined);
  }
  return continueAfter(turn, block, group.id);
}

/** Runs the flow after an event that interrupts the awaited input; `return` asks the input again. */
function interruptInput(turn: Turn, eventId: string, idleFired: boolean): Next {
  const pause = turn.state.pause;
  const event = turn.index.events.find((e) => e.id === eventId);
  if (!event) return PATH_END;
  if (pause?.kind === 'input') {
    pushMark(turn, { kind: 'reask', groupId: pause.groupId, blockId: pause.blockId, idleFired });
  }
  turn.state.pause = null;
  return startEvent(turn, event);
}

const normalizeCommand = (command: string) => command.trim().replace(/^\/+/, '').toLowerCase();

/** Checks that the input fits the state; returns the reason when it does not. */
function mismatch(turn: Turn, input: LiveInput): [EngineErrorCode, string] | undefined {
  const pause = turn.state.pause;
  switch (input.type) {
    case 'reply':
      return pause?.kind === 'input' ? undefined : ['engine.unexpected_input', 'the bot is not waiting for a reply'];
    case 'effectResult':
      return pause?.kind === 'effect' && pause.effectId === input.effectId
        ? undefined
        : ['engine.unexpected_effect', `the bot is not waiting for effect "${input.effectId}"`];
    case 'idle':
      if (pause?.kind !== 'input') return ['engine.unexpected_input', 'the bot is not waiting for a reply'];
      return pause.idleFired || !firstIdleEvent(turn.index)
        ? ['engine.no_idle_event', 'there is no idle event to run for this input']
        : undefined;
    case 'command':
      if (pause?.kind === 'effect') return ['engine.unexpected_input', 'the bot is waiting for an effect'];
      return commandEvent(turn, input.command)
        ? undefined
        : ['engine.unknown_command', `the flow has no "${input.command}" command`];
  }
}

function commandEvent(turn: Turn, command: string) {
  const wanted = normalizeCommand(command);
  return eventsOfType(turn.index, 'command').find(
    (e) => e.command.toLowerCase() === wanted && turn.index.exits.has(eventExitKey(e.id)),
  );
}

function dispatch(turn: Turn, input: LiveInput): Next {
  const pause = turn.state.pause;
  switch (input.type) {
    case 'reply': {
      const located = pause ? turn.index.blocks.get(pause.blockId) : undefined;
      if (!located) return PATH_END;
      const { text, value, fileUrls } = input;
      const reply = {
        ...(text !== undefined ? { text } : {}),
        ...(value !== undefined ? { value } : {}),
        ...(fileUrls !== undefined ? { fileUrls } : {}),
      };
      return handleReply(turn, located.block, located.group.id, reply, false);
    }
    case 'effectResult':
      return onEffectResult(turn, input);
    case 'idle': {
      const idle = firstIdleEvent(turn.index);
      return idle ? interruptInput(turn, idle.id, true) : PATH_END;
    }
    case 'command': {
      const event = commandEvent(turn, input.command);
      const idleFired = pause?.kind === 'input' && pause.idleFired;
      return event ? interruptInput(turn, event.id, idleFired) : PATH_END;
    }
  }
}

/**
 * A human agent hands a handed-off session back. With `groupId` the bot starts over at that group
 * of the session's own flow (leaving a linked bot it was in, with the session's own variables);
 * without, it continues after the handoff block as the walk would have (the block's exit, else the
 * next block of its group, else the end of the path: a jump's return, the parent bot, or the end
 * of the conversation). A state stored before handoff positions were recorded can only resume at
 * a group (`engine.handoff_position_unknown`).
 */
function resumeSession(
  flow: FlowDocument,
  state: SessionState,
  input: ResumeInput,
  ctx: ResolvedContext,
): EngineResult {
  if (!state.completed || state.endedBy !== 'handoff') {
    const why = state.completed ? 'the conversation has ended' : 'the bot still runs the conversation';
    return rejected(flow, state, ctx, 'engine.not_handed_off', `the conversation is not handed off: ${why}`);
  }
  const position = state.handoff;
  if (input.groupId !== undefined) {
    const groupId = input.groupId;
    if (!flow.groups.some((g) => g.id === groupId)) {
      return rejected(flow, state, ctx, 'engine.unknown_group', `group "${groupId}" is not in the flow`);
    }
    const from: Origin = { blockId: position?.blockId ?? groupId, groupId: position?.groupId ?? null, kind: 'handoff' };
    const turn = new Turn(flow, structuredClone(state), ctx);
    const own = turn.state.linkStack[0];
    if (own) turn.state.variables = own.variables;
    turn.state.flowRef = null;
    turn.state.returnStack = [];
    turn.state.linkStack = [];
    turn.useFlow(null);
    reopenSession(turn);
    walk(turn, goTo(turn, { groupId }, from));
    return finish(turn, flow);
  }
  if (!position) {
    return rejected(
      flow,
      state,
      ctx,
      'engine.handoff_position_unknown',
      'the session does not know where it was handed off; hand it back at a group',
    );
  }
  if (!flowFor(flow, state.flowRef, ctx)) {
    return rejected(
      flow,
      state,
      ctx,
      'engine.linked_flow_missing',
      `linked flow "${state.flowRef ?? ''}" was not given`,
    );
  }
  const turn = new Turn(flow, structuredClone(state), ctx);
  turn.useFlow(turn.state.flowRef);
  const located = turn.index.blocks.get(position.blockId);
  if (!located) {
    return rejected(flow, state, ctx, 'engine.position_lost', `block "${position.blockId}" is no longer in the flow`);
  }
  reopenSession(turn);
  walk(turn, continueAfter(turn, located.block, located.group.id));
  return finish(turn, flow);
}

/**
 * The flow engine: a pure, synchronous function of a flow, a session state and an input. It walks
 * the flow until it needs a reply or an effect's result, and says what the bot sends, what it
 * waits for, which effects to carry out, the next state and the log of the steps it ran.
 */
export function runEngine(
  flow: FlowDocument,
  state: SessionState | undefined,
  input: EngineInput,
  context: EngineContext,
): EngineResult {
  const ctx = resolveContext(context);
  if (input.type === 'start') return startSession(flow, input, ctx);
  if (!state) {
    const ended: SessionState = { ...emptySessionState(ctx.nowIso), completed: true, endedBy: 'error' };
    return rejected(flow, ended, ctx, 'engine.no_session', 'there is no session to continue; start one first');
  }
  if (state.stateVersion !== SESSION_STATE_VERSION) {
    return rejected(
      flow,
      state,
      ctx,
      'engine.state_version',
      `unsupported state version ${String(state.stateVersion)}`,
    );
  }
  if (input.type === 'resume') return resumeSession(flow, state, input, ctx);
  if (state.completed) return rejected(flow, state, ctx, 'engine.session_ended', 'the conversation has ended');
  if (!flowFor(flow, state.flowRef, ctx)) {
    return rejected(
      flow,
      state,
      ctx,
      'engine.linked_flow_missing',
      `linked flow "${state.flowRef ?? ''}" was not given`,
    );
  }
  const turn = new Turn(flow, structuredClone(state), ctx);
  turn.useFlow(turn.state.flowRef);
  const pause = turn.state.pause;
  if (pause && !turn.index.blocks.has(pause.blockId)) {
    return rejected(flow, state, ctx, 'engine.position_lost', `block "${pause.blockId}" is no longer in the flow`);
  }
  const problem = mismatch(turn, input);
  if (problem) return rejected(flow, state, ctx, problem[0], problem[1]);
  walk(turn, dispatch(turn, input));
  return finish(turn, flow);
}
