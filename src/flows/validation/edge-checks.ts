import { blockItemIds } from '../model/block';
import type { Edge } from '../model/flow-document';
import { error, warning, type FlowProblem } from './flow-problem';
import { isTerminal, type FlowIndex } from './flow-index';

function sourceProblem(index: FlowIndex, edge: Edge): string | undefined {
  if ('eventId' in edge.from) {
    return index.events.has(edge.from.eventId)
      ? undefined
      : `leaves event "${edge.from.eventId}", which does not exist`;
  }
  const source = index.blocks.get(edge.from.blockId);
  if (!source) return `leaves block "${edge.from.blockId}", which does not exist`;
  const { itemId } = edge.from;
  if (itemId !== undefined && !blockItemIds(source.block).includes(itemId)) {
    return `leaves item "${itemId}", which block "${edge.from.blockId}" does not have`;
  }
  return undefined;
}

function targetProblem(index: FlowIndex, edge: Edge): string | undefined {
  const target = index.groups.get(edge.to.groupId);
  if (!target) return `goes to group "${edge.to.groupId}", which does not exist`;
  const { blockId } = edge.to;
  if (blockId !== undefined && !target.group.blocks.some((b) => b.id === blockId)) {
    return `goes to block "${blockId}", which is not in group "${edge.to.groupId}"`;
  }
  return undefined;
}

const exitKey = (edge: Edge): string =>
  'eventId' in edge.from ? `event:${edge.from.eventId}` : `block:${edge.from.blockId}:${edge.from.itemId ?? ''}`;

/** Edges connect existing things, each exit has at most one edge, and exits that never run say so. */
export function checkEdges(index: FlowIndex): FlowProblem[] {
  const usedExits = new Set<string>();
  return index.doc.edges.flatMap((edge, i) => {
    const at = { edgeId: edge.id, path: `edges.${i}` };
    const problems: FlowProblem[] = [];
    const source = sourceProblem(index, edge);
    const target = targetProblem(index, edge);
    if (source)
      problems.push(error('edge.unknown_source', `edge "${edge.id}" ${source}`, { ...at, path: `${at.path}.from` }));
    if (target)
      problems.push(error('edge.unknown_target', `edge "${edge.id}" ${target}`, { ...at, path: `${at.path}.to` }));
    const key = exitKey(edge);
    if (usedExits.has(key)) {
      problems.push(error('edge.duplicate_exit', `edge "${edge.id}" leaves an exit that already has an edge`, at));
    }
    usedExits.add(key);
    const sourceBlock = 'blockId' in edge.from ? index.blocks.get(edge.from.blockId) : undefined;
    if (sourceBlock && isTerminal(sourceBlock.block)) {
      problems.push(
        warning(
          'edge.never_taken',
          `a ${sourceBlock.block.type} block never continues, so edge "${edge.id}" is never taken`,
          {
            ...at,
            blockId: sourceBlock.block.id,
            groupId: sourceBlock.group.id,
          },
        ),
      );
    }
    return problems;
  });
}

/** Jump blocks point at an existing group (and block of that group). */
export function checkJumpTargets(index: FlowIndex): FlowProblem[] {
  return [...index.blocks.values()].flatMap(({ block, group, path }) => {
    if (block.type !== 'jump' || block.options.groupId === undefined) return [];
    const target = index.groups.get(block.options.groupId);
    const at = { blockId: block.id, groupId: group.id, path: `${path}.options` };
    if (!target)
      return [error('jump.unknown_target', `jumps to group "${block.options.groupId}", which does not exist`, at)];
    const { blockId } = block.options;
    return blockId !== undefined && !target.group.blocks.some((b) => b.id === blockId)
      ? [error('jump.unknown_target', `jumps to block "${blockId}", which is not in the target group`, at)]
      : [];
  });
}
