import type { TypebotBlock, TypebotDocument, TypebotEdge, TypebotEvent, TypebotGroup } from './typebot-source';

export interface NormalizeTools {
  warn: (message: string) => void;
  newId: () => string;
}

/** A Typebot export in the v6 shape: events are the entry points, no start block or group. */
export interface TypebotV6 {
  groups: TypebotGroup[];
  events: TypebotEvent[];
  edges: TypebotEdge[];
}

const isStart = (block: TypebotBlock): boolean => block.type === 'start';

function withoutStartBlocks(groups: TypebotGroup[]): TypebotGroup[] {
  return groups.map((g) => ({ ...g, blocks: g.blocks.filter((b) => !isStart(b)) }));
}

/**
 * v3–v5 (docs/typebot-format.md §2): the group holding the start block becomes the start event (same id and
 * coordinates, the start block's edge now leaves the event) and is dropped with every start block.
 * A start group that also holds other blocks is kept, and the event gets a new id.
 */
function startBlockToEvent(doc: TypebotDocument, edges: TypebotEdge[], tools: NormalizeTools): TypebotV6 {
  const startGroup = doc.groups.find((g) => g.blocks.some(isStart));
  const startBlock = startGroup?.blocks.find(isStart);
  if (!startGroup || !startBlock) return { groups: doc.groups, events: [], edges };
  const keepsGroup = startGroup.blocks.some((b) => !isStart(b));
  if (keepsGroup)
    tools.warn(`group "${startGroup.title ?? startGroup.id}" held the start block and other blocks; it was kept`);
  if (doc.groups.some((g) => g !== startGroup && g.blocks.some(isStart))) tools.warn('extra start blocks were dropped');
  const event: TypebotEvent = {
    id: keepsGroup ? tools.newId() : startGroup.id,
    type: 'start',
    graphCoordinates: startGroup.graphCoordinates,
    outgoingEdgeId: startBlock.outgoingEdgeId,
  };
  return {
    groups: withoutStartBlocks(doc.groups.filter((g) => keepsGroup || g !== startGroup)),
    events: [event],
    edges: edges.map((e) => (e.id === startBlock.outgoingEdgeId ? { ...e, from: { eventId: event.id } } : e)),
  };
}

/** Exactly one start event, first; it leads to the first group when it has no edge. */
function ensureStartEvent(v6: TypebotV6, tools: NormalizeTools): TypebotV6 {
  const starts = v6.events.filter((e) => e.type === 'start');
  if (starts.length > 1) tools.warn(`${starts.length - 1} extra start event(s) were dropped`);
  const others = v6.events.filter((e) => e.type !== 'start');
  const start: TypebotEvent = starts[0] ?? { id: tools.newId(), type: 'start' };
  const firstGroup = v6.groups[0];
  const linked = typeof start.outgoingEdgeId === 'string' && v6.edges.some((e) => e.id === start.outgoingEdgeId);
  if (linked || !firstGroup) return { ...v6, events: [start, ...others] };
  tools.warn(`the start is not connected; it now leads to the first group, "${firstGroup.title ?? firstGroup.id}"`);
  const edge: TypebotEdge = { id: tools.newId(), from: { eventId: start.id }, to: { groupId: firstGroup.id } };
  return { ...v6, events: [{ ...start, outgoingEdgeId: edge.id }, ...others], edges: [...v6.edges, edge] };
}

/** Brings any supported version to the v6 shape (docs/typebot-format.md §2). */
export function normalizeToV6(doc: TypebotDocument, edges: TypebotEdge[], tools: NormalizeTools): TypebotV6 {
  const hasEvents = (doc.events ?? []).length > 0;
  if (hasEvents && doc.groups.some((g) => g.blocks.some(isStart)))
    tools.warn('start blocks were dropped: events lead the flow');
  const v6 = hasEvents
    ? { groups: withoutStartBlocks(doc.groups), events: doc.events ?? [], edges }
    : startBlockToEvent(doc, edges, tools);
  return ensureStartEvent(v6, tools);
}
