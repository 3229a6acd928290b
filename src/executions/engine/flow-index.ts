import type { Block, Edge, FlowDocument, FlowEvent, FlowEventOf, Group, Variable } from '@/flows';

export interface BlockAt {
  block: Block;
  group: Group;
  index: number;
}

/** Lookup tables the engine needs over a flow, built once per document (flows are immutable). */
export interface FlowIndex {
  flow: FlowDocument;
  groups: ReadonlyMap<string, Group>;
  blocks: ReadonlyMap<string, BlockAt>;
  /** Exits by source: `<blockId>`, `<blockId>/<itemId>` or `event:<eventId>`. */
  exits: ReadonlyMap<string, Edge>;
  variables: ReadonlyMap<string, Variable>;
  variablesByName: ReadonlyMap<string, Variable>;
  events: readonly FlowEvent[];
}

const cache = new WeakMap<FlowDocument, FlowIndex>();

export const blockExitKey = (blockId: string, itemId?: string): string =>
  itemId === undefined ? blockId : `${blockId}/${itemId}`;
export const eventExitKey = (eventId: string): string => `event:${eventId}`;

function firstById<T>(entries: [string, T][]): Map<string, T> {
  const map = new Map<string, T>();
  for (const [key, value] of entries) if (!map.has(key)) map.set(key, value);
  return map;
}

function buildIndex(flow: FlowDocument): FlowIndex {
  return {
    flow,
    groups: firstById(flow.groups.map((g) => [g.id, g])),
    blocks: firstById(
      flow.groups.flatMap((group) =>
        group.blocks.map((block, index): [string, BlockAt] => [block.id, { block, group, index }]),
      ),
    ),
    exits: firstById(
      flow.edges.map((edge): [string, Edge] => [
        'eventId' in edge.from ? eventExitKey(edge.from.eventId) : blockExitKey(edge.from.blockId, edge.from.itemId),
        edge,
      ]),
    ),
    variables: firstById(flow.variables.map((v) => [v.id, v])),
    variablesByName: firstById(flow.variables.map((v) => [v.name.trim(), v])),
    events: flow.events,
  };
}

export function indexFlow(flow: FlowDocument): FlowIndex {
  const cached = cache.get(flow);
  if (cached) return cached;
  const index = buildIndex(flow);
  cache.set(flow, index);
  return index;
}

export function eventsOfType<T extends FlowEvent['type']>(index: FlowIndex, type: T): FlowEventOf<T>[] {
  return index.events.filter((e): e is FlowEventOf<T> => e.type === type);
}

/** The `idle` event that fires first, if the flow has one with an exit. */
export function firstIdleEvent(index: FlowIndex): FlowEventOf<'idle'> | undefined {
  return eventsOfType(index, 'idle')
    .filter((e) => index.exits.has(eventExitKey(e.id)))
    .sort((a, b) => a.timeoutSeconds - b.timeoutSeconds)[0];
}
