import {
  flowDocumentSchema,
  type BlockInput,
  type FlowDocument,
  type FlowDocumentInput,
  type VariableType,
  type VariableValue,
} from '@/flows';
import type { Effect, EngineContext, EngineInput, EngineResult, ReplyPayload } from '../engine-types';
import { runEngine } from '../run-engine';
import { indexFlow } from '../flow-index';
import type { SessionState } from '../session-state';
import { VariableStore } from '../values/variable-store';

/** Helpers for driving the engine in tests: a fixed clock, scripted randomness, a conversation. */
export const FIXED_NOW = new Date('2025-03-14T09:30:00.000Z');

/** A random source that returns `values` in turn (then repeats the last one). */
export function scriptedRandom(values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] ?? 0;
}

export function testContext(overrides: Partial<EngineContext> = {}): EngineContext {
  return { now: FIXED_NOW, random: scriptedRandom([0.5]), ...overrides };
}

export function parseFlow(input: FlowDocumentInput): FlowDocument {
  return flowDocumentSchema.parse(input);
}

/** Text messages of a result, as markdown. */
export function texts(result: EngineResult): string[] {
  return result.messages.flatMap((m) => (m.type === 'text' ? [m.markdown] : []));
}

/**
 * A conversation with one flow: each call runs the engine on the previous state (after a JSON
 * round trip, as the service stores it) and keeps the result.
 */
export class Conversation {
  state: SessionState | undefined;
  last: EngineResult | undefined;
  readonly results: EngineResult[] = [];

  constructor(
    readonly flow: FlowDocument,
    readonly context: EngineContext = testContext(),
  ) {}

  send(input: EngineInput): EngineResult {
    const stored = this.state ? (JSON.parse(JSON.stringify(this.state)) as SessionState) : undefined;
    const result = runEngine(this.flow, stored, input, this.context);
    this.state = result.nextState;
    this.last = result;
    this.results.push(result);
    return result;
  }

  start(input: Omit<Extract<EngineInput, { type: 'start' }>, 'type'> = {}): EngineResult {
    return this.send({ type: 'start', ...input });
  }

  reply(reply: string | ReplyPayload): EngineResult {
    return this.send(typeof reply === 'string' ? { type: 'reply', text: reply } : { type: 'reply', ...reply });
  }

  /** The effect the engine waits for in the last result. */
  pendingEffect(): Effect | undefined {
    return this.last?.effects.find((e) => e.awaitsResult);
  }

  /** Feeds back the result of the awaited effect. */
  effect(outcome: 'ok' | 'error', data?: unknown, error?: string): EngineResult {
    const pending = this.pendingEffect();
    if (!pending) throw new Error('no effect is awaited');
    return this.send({
      type: 'effectResult',
      effectId: pending.effectId,
      outcome,
      ...(data !== undefined ? { data } : {}),
      ...(error !== undefined ? { error } : {}),
    });
  }

  idle(): EngineResult {
    return this.send({ type: 'idle' });
  }

  command(command: string): EngineResult {
    return this.send({ type: 'command', command });
  }

  /** A human agent hands the conversation back (at `groupId`, else after the handoff block). */
  resume(groupId?: string): EngineResult {
    return this.send({ type: 'resume', ...(groupId !== undefined ? { groupId } : {}) });
  }
}

/** A variable store over a throwaway flow whose variables are named after `values`' keys. */
export function storeWith(
  values: Record<string, VariableValue>,
  types: Record<string, VariableType> = {},
): VariableStore {
  const names = [...new Set([...Object.keys(values), ...Object.keys(types)])];
  const flow = parseFlow({
    schemaVersion: 1,
    variables: names.map((name, i) => ({ id: `v${i}`, name, type: types[name] ?? 'string' })),
  });
  const index = indexFlow(flow);
  const store = new VariableStore({}, index);
  names.forEach((name, i) => {
    const value = values[name];
    if (value !== undefined) store.setExact(`v${i}`, value);
  });
  return store;
}

/** The id `storeWith` gave the variable `name`. */
export function idOf(store: VariableStore, name: string): string {
  for (let i = 0; ; i++) {
    const variable = store.variable(`v${i}`);
    if (!variable) throw new Error(`no variable ${name}`);
    if (variable.name === name) return variable.id;
  }
}

/**
 * A flow whose start event leads to group `main` holding `blocks`, plus `groups` and `edges`
 * given as `[from, toGroupId]` (`from`: block id, `[blockId, itemId]` or `{ eventId }`).
 */
export function flowOf(spec: {
  blocks: BlockInput[];
  groups?: { id: string; blocks: BlockInput[] }[];
  edges?: [string | [string, string] | { eventId: string }, string, string?][];
  variables?: FlowDocumentInput['variables'];
  events?: FlowDocumentInput['events'];
}): FlowDocument {
  const edges = (spec.edges ?? []).map(([from, to, blockId], i) => ({
    id: `e${i}`,
    from:
      typeof from === 'string' ? { blockId: from } : Array.isArray(from) ? { blockId: from[0], itemId: from[1] } : from,
    to: { groupId: to, ...(blockId !== undefined ? { blockId } : {}) },
  }));
  return parseFlow({
    schemaVersion: 1,
    variables: spec.variables ?? [],
    events: [{ id: 'start', type: 'start' }, ...(spec.events ?? [])],
    groups: [{ id: 'main', blocks: spec.blocks }, ...(spec.groups ?? [])],
    edges: [{ id: 'e-start', from: { eventId: 'start' }, to: { groupId: 'main' } }, ...edges],
  });
}

export const text = (id: string, markdown: string): BlockInput => ({ id, type: 'text', options: { text: markdown } });
