import type { BlockType } from '../model/block-types';
import { WAITING_BLOCK_TYPES } from '../model/block-types';
import type { Group } from '../model/flow-document';
import { error, warning, type FlowProblem } from './flow-problem';
import {
  groupSuccessors,
  isTerminal,
  reachableGroups,
  stronglyConnectedComponents,
  type FlowIndex,
} from './flow-index';

/** Groups no event leads to (through edges and jumps) never run. */
export function checkReachableGroups(index: FlowIndex): FlowProblem[] {
  const reachable = reachableGroups(index, groupSuccessors(index));
  return [...index.groups.values()].flatMap(({ group, path }) => [
    ...(group.blocks.length === 0
      ? [warning('group.empty', `group "${group.title}" has no blocks`, { groupId: group.id, path })]
      : []),
    ...(reachable.has(group.id)
      ? []
      : [
          warning('group.unreachable', `group "${group.title}" cannot be reached from any event`, {
            groupId: group.id,
            path,
          }),
        ]),
  ]);
}

/** Block ids that edges or jumps enter directly, in the middle of a group. */
function directlyEnteredBlocks(index: FlowIndex): Set<string> {
  const entered = new Set<string>();
  for (const edge of index.doc.edges) if (edge.to.blockId !== undefined) entered.add(edge.to.blockId);
  for (const { block } of index.blocks.values()) {
    if (block.type === 'jump' && block.options.blockId !== undefined) entered.add(block.options.blockId);
  }
  return entered;
}

/** Blocks after a jump, return, end or handoff in the same group never run, unless entered directly. */
export function checkUnreachableBlocks(index: FlowIndex): FlowProblem[] {
  const entered = directlyEnteredBlocks(index);
  return [...index.groups.values()].flatMap(({ group, path }) => {
    const problems: FlowProblem[] = [];
    let stoppedBy: BlockType | undefined;
    group.blocks.forEach((block, i) => {
      if (entered.has(block.id)) stoppedBy = undefined;
      if (stoppedBy !== undefined) {
        problems.push(
          warning('block.unreachable', `this block comes after a ${stoppedBy} block and never runs`, {
            blockId: block.id,
            groupId: group.id,
            path: `${path}.blocks.${i}`,
          }),
        );
      }
      if (isTerminal(block)) stoppedBy = block.type;
    });
    return problems;
  });
}

const waits = (group: Group): boolean => group.blocks.some((b) => WAITING_BLOCK_TYPES.includes(b.type));
const branches = (group: Group): boolean => group.blocks.some((b) => b.type === 'condition' || b.type === 'abSplit');

/**
 * A cycle through groups none of which waits (for a reply or a timer) spins the engine forever
 * once entered. It is an error when nothing in the cycle can branch out of it, and a warning when
 * a condition or A/B split might.
 */
export function checkLoops(index: FlowIndex): FlowProblem[] {
  const all = groupSuccessors(index);
  const nonWaiting = new Map(
    [...all].flatMap(([id, next]) => {
      const location = index.groups.get(id);
      return location && !waits(location.group) ? [[id, new Set([...next].filter((n) => !waitsById(index, n)))]] : [];
    }),
  );
  return stronglyConnectedComponents(nonWaiting)
    .filter((component) => component.length > 1 || isSelfLoop(nonWaiting, component[0]))
    .map((component) => {
      const groups = component.flatMap((id) => index.groups.get(id)?.group ?? []);
      const titles = groups.map((g) => `"${g.title}"`).join(' → ');
      const at = { groupId: groups[0]?.id };
      return groups.some(branches)
        ? warning(
            'loop.without_input',
            `groups ${titles} form a loop that never waits for the visitor and may run forever`,
            at,
          )
        : error(
            'loop.without_input',
            `groups ${titles} form a loop that never waits for the visitor and runs forever`,
            at,
          );
    });
}

function waitsById(index: FlowIndex, groupId: string): boolean {
  const location = index.groups.get(groupId);
  return location !== undefined && waits(location.group);
}

function isSelfLoop(successors: Map<string, Set<string>>, id: string | undefined): boolean {
  return id !== undefined && (successors.get(id)?.has(id) ?? false);
}
