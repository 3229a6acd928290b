import type { Block, FlowDocument, VariableValue } from '@/flows';
import type { ConditionEnv } from '../conditions';
import type {
  BotMessage,
  ContactValues,
  Effect,
  EngineContext,
  EngineError,
  EngineLimits,
  LogStep,
  SessionFacts,
  StepKind,
  StepOutcome,
} from '../engine-types';
import type { EffectPlace } from '../effects/build-effects';
import { indexFlow, type FlowIndex } from '../flow-index';
import type { ParseEnv } from '../inputs/input-types';
import type { SessionState } from '../session-state';
import type { SystemValueEnv } from '../system-values';
import { VariableStore } from '../values/variable-store';

export const DEFAULT_ENGINE_LIMITS: EngineLimits = {
  maxBlocksPerTurn: 500,
  maxReplyLength: 10_000,
  maxRegexInputLength: 2_000,
  maxFiles: 10,
  maxReturnStack: 50,
  maxLinkDepth: 5,
};

/** The context with defaults applied. */
export interface ResolvedContext {
  now: Date;
  nowIso: string;
  random: () => number;
  limits: EngineLimits;
  linkedFlows: Readonly<Record<string, FlowDocument>>;
  facts: SessionFacts;
  contact: ContactValues | undefined;
}

export function resolveContext(context: EngineContext): ResolvedContext {
  return {
    now: context.now,
    nowIso: context.now.toISOString(),
    random: context.random,
    limits: { ...DEFAULT_ENGINE_LIMITS, ...context.limits },
    linkedFlows: context.linkedFlows ?? {},
    facts: context.facts ?? {},
    contact: context.contact,
  };
}

/** The flow a state runs now: the session's own, or a linked bot's (undefined when not loaded). */
export function flowFor(rootFlow: FlowDocument, ref: string | null, ctx: ResolvedContext): FlowDocument | undefined {
  return ref === null ? rootFlow : ctx.linkedFlows[ref];
}

/**
 * One call of the engine: a private copy of the session state that the walk updates, the
 * running flow, and what the turn produces (messages, effects, log). Nothing here outlives the call.
 */
export class Turn {
  readonly messages: BotMessage[] = [];
  readonly effects: Effect[] = [];
  readonly log: LogStep[] = [];
  blocksRun = 0;
  error: EngineError | undefined;
  flow!: FlowDocument;
  index!: FlowIndex;
  store!: VariableStore;

  constructor(
    readonly rootFlow: FlowDocument,
    readonly state: SessionState,
    readonly ctx: ResolvedContext,
  ) {}

  /** Switches to the flow `ref` (after the state's `flowRef` and `variables` were set). */
  useFlow(ref: string | null): boolean {
    const flow = flowFor(this.rootFlow, ref, this.ctx);
    if (!flow) return false;
    this.flow = flow;
    this.index = indexFlow(flow);
    this.store = new VariableStore(this.state.variables, this.index, this.ctx.contact);
    return true;
  }

  replaceVariables(values: Record<string, VariableValue>): void {
    this.state.variables = values;
    this.store = new VariableStore(values, this.index, this.ctx.contact);
  }

  get conditionEnv(): ConditionEnv {
    return { scope: this.store, maxRegexInputLength: this.ctx.limits.maxRegexInputLength };
  }

  get parseEnv(): ParseEnv {
    return { scope: this.store, conditions: this.conditionEnv, limits: this.ctx.limits };
  }

  get systemEnv(): SystemValueEnv {
    return { now: this.ctx.now, random: this.ctx.random, facts: this.ctx.facts };
  }

  record(blockId: string, groupId: string | null, kind: StepKind, outcome: StepOutcome, error?: string): void {
    const flowRef = this.state.flowRef;
    this.log.push({
      blockId,
      groupId,
      kind,
      outcome,
      ...(error !== undefined ? { error } : {}),
      ...(flowRef !== null ? { flowRef } : {}),
    });
  }

  recordBlock(block: Block, groupId: string, outcome: StepOutcome, error?: string): void {
    this.record(block.id, groupId, block.type, outcome, error);
  }

  say(message: BotMessage): void {
    this.messages.push(message);
  }

  /** Identity of a new effect of `block`. */
  effectPlace(block: Block, groupId: string): EffectPlace {
    this.state.effectSeq += 1;
    return {
      effectId: `${block.id}#${this.state.effectSeq}`,
      blockId: block.id,
      groupId,
      afterMessageCount: this.messages.length,
    };
  }

  /** Key of an input's answer: its block id, prefixed by the linked bot's ref inside one. */
  answerKey(blockId: string): string {
    return this.state.flowRef === null ? blockId : `${this.state.flowRef}:${blockId}`;
  }
}
