import type { Block } from '../model/block';
import { TERMINAL_BLOCK_TYPES } from '../model/block-types';
import type { FlowEvent } from '../model/events';
import type { Edge, FlowDocument, Group } from '../model/flow-document';
import type { Variable } from '../model/variables';

export interface GroupLocation {
  group: Group;
  path: string;
}

export interface BlockLocation {
  block: Block;
  group: Group;
  /** Position of the block in its group. */
  index: number;
  path: string;
}

/** Lookup tables over a parsed flow document (the first occurrence wins for duplicated ids). */
export interface FlowIndex {
  doc: FlowDocument;
  groups: Map<string, GroupLocation>;
  blocks: Map<string, BlockLocation>;
  events: Map<string, FlowEvent>;
  variables: Map<string, Variable>;
  variableNames: Set<string>;
}

function firstById<T>(entries: [string, T][]): Map<string, T> {
  const map = new Map<string, T>();
  for (const [id, value] of entries) if (!map.has(id)) map.set(id, value);
  return map;
}

export function indexFlow(doc: FlowDocument): FlowIndex {
  return {
    doc,
    groups: firstById(doc.groups.map((group, g) => [group.id, { group, path: `groups.${g}` }])),
    blocks: firstById(
      doc.groups.flatMap((group, g) =>
        group.blocks.map((block, index): [string, BlockLocation] => [
          block.id,
          { block, group, index, path: `groups.${g}.blocks.${index}` },
        ]),
      ),
    ),
    events: firstById(doc.events.map((event) => [event.id, event])),
    variables: firstById(doc.variables.map((variable) => [variable.id, variable])),
    variableNames: new Set(doc.variables.map((variable) => variable.name)),
  };
}

export const isTerminal = (block: Block): boolean => TERMINAL_BLOCK_TYPES.includes(block.type);

/** The group an edge leaves from, unless it leaves an event or a block whose exits are never taken. */
function takenSourceGroup(index: FlowIndex, edge: Edge): string | undefined {
  if ('eventId' in edge.from) return undefined;
  const source = index.blocks.get(edge.from.blockId);
  return source && !isTerminal(source.block) ? source.group.id : undefined;
}

/** Where control can go from each group: the targets of its edges and of its jumps. */
export function groupSuccessors(index: FlowIndex): Map<string, Set<string>> {
  const successors = new Map<string, Set<string>>([...index.groups.keys()].map((id) => [id, new Set<string>()]));
  const link = (from: string | undefined, to: string | undefined) => {
    if (from !== undefined && to !== undefined && index.groups.has(to)) successors.get(from)?.add(to);
  };
  for (const edge of index.doc.edges) link(takenSourceGroup(index, edge), edge.to.groupId);
  for (const { block, group } of index.blocks.values()) {
    if (block.type === 'jump') link(group.id, block.options.groupId);
  }
  return successors;
}

/** Groups that events lead into. */
export function entryGroups(index: FlowIndex): string[] {
  return index.doc.edges.filter((e) => 'eventId' in e.from && index.groups.has(e.to.groupId)).map((e) => e.to.groupId);
}

export function reachableGroups(index: FlowIndex, successors: Map<string, Set<string>>): Set<string> {
  const seen = new Set<string>();
  const queue = entryGroups(index);
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(successors.get(id) ?? []));
  }
  return seen;
}

/** Tarjan's algorithm: the strongly connected components of a directed graph. */
export function stronglyConnectedComponents(successors: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const visit = (node: string): void => {
    order.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of successors.get(node) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, order.get(next) ?? 0));
      }
    }
    if (low.get(node) !== order.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    components.push(component);
  };

  for (const node of successors.keys()) if (!order.has(node)) visit(node);
  return components;
}
