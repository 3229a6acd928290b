import type { Edge, EdgeSource } from '../model/flow-document';
import type { TypebotEdge, TypebotEvent, TypebotGroup } from './typebot-source';

/** Something that owns an exit and names its edge (docs/typebot-format.md §4: links are read from these). */
interface ExitOwner {
  edgeId: string;
  from: EdgeSource;
  label: string;
}

function exitOwners(groups: TypebotGroup[], events: TypebotEvent[]): ExitOwner[] {
  const owners: ExitOwner[] = [];
  const add = (edgeId: string | null | undefined, from: EdgeSource, label: string) => {
    if (typeof edgeId === 'string' && edgeId !== '') owners.push({ edgeId, from, label });
  };
  for (const event of events) add(event.outgoingEdgeId, { eventId: event.id }, `${event.type} event "${event.id}"`);
  for (const block of groups.flatMap((g) => g.blocks)) {
    add(block.outgoingEdgeId, { blockId: block.id }, `block "${block.id}"`);
    for (const item of block.items ?? []) {
      add(item.outgoingEdgeId, { blockId: block.id, itemId: item.id }, `item "${item.id}" of block "${block.id}"`);
      for (const path of item.paths ?? []) {
        add(
          path.outgoingEdgeId,
          { blockId: block.id, itemId: path.id },
          `card button "${path.id}" of block "${block.id}"`,
        );
      }
    }
  }
  return owners;
}

/**
 * Builds Parley edges from the exits that own them: each keeps the Typebot edge id and target,
 * and its source is the owner (the authority in Typebot), so every edge connects the same block,
 * item or event as before. Links to missing edges or groups, and edges no exit owns, cannot be
 * kept and are reported.
 */
export function linkEdges(
  groups: TypebotGroup[],
  events: TypebotEvent[],
  edges: TypebotEdge[],
  warn: (message: string) => void,
): Edge[] {
  const edgesById = new Map(edges.map((e) => [e.id, e]));
  const groupBlocks = new Map(groups.map((g) => [g.id, new Set(g.blocks.map((b) => b.id))]));
  const used = new Set<string>();
  const linked: Edge[] = [];
  for (const owner of exitOwners(groups, events)) {
    const edge = edgesById.get(owner.edgeId);
    if (!edge) {
      warn(`${owner.label} refers to edge "${owner.edgeId}", which is not in the export; that link was dropped`);
      continue;
    }
    if (used.has(edge.id)) {
      warn(`edge "${edge.id}" is owned by more than one exit; only the first keeps it`);
      continue;
    }
    const targetBlocks = groupBlocks.get(edge.to.groupId);
    if (!targetBlocks) {
      warn(`edge "${edge.id}" goes to group "${edge.to.groupId}", which is not in the export; dropped`);
      continue;
    }
    used.add(edge.id);
    const blockId = edge.to.blockId ?? undefined;
    const keepsBlock = blockId !== undefined && targetBlocks.has(blockId);
    if (blockId !== undefined && !keepsBlock) warn(`edge "${edge.id}" now enters its group at the first block`);
    linked.push({
      id: edge.id,
      from: owner.from,
      to: keepsBlock ? { groupId: edge.to.groupId, blockId } : { groupId: edge.to.groupId },
    });
  }
  for (const edge of edges) {
    if (!used.has(edge.id))
      warn(`edge "${edge.id}" is not attached to any block, item or event of the export; dropped`);
  }
  return linked;
}
