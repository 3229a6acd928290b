import type { z } from 'zod';
import { issuePath } from '../model/field-errors';
import { flowDocumentSchema, type FlowDocument } from '../model/flow-document';
import { blockOptionProblems } from './block-option-problems';
import { checkEdges, checkJumpTargets } from './edge-checks';
import { indexFlow, type FlowIndex } from './flow-index';
import { error, type FlowProblem } from './flow-problem';
import { checkLoops, checkReachableGroups, checkUnreachableBlocks } from './graph-checks';
import { checkEvents, checkStartEvent, checkUniqueIds } from './structure-checks';
import { checkVariables } from './variable-checks';

type LocatedId = 'groupId' | 'blockId' | 'edgeId' | 'eventId';
const ID_OF_COLLECTION: Record<string, LocatedId> = {
  groups: 'groupId',
  blocks: 'blockId',
  edges: 'edgeId',
  events: 'eventId',
};

/** The element at `key` of a JSON object or array, if any. */
function childOf(node: unknown, key: PropertyKey): unknown {
  return typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined;
}

/**
 * The ids of the group, block, edge or event a schema issue sits in, read from the raw input: a
 * path `groups.1.blocks.0.options` yields the id of `groups[1]` and of its `blocks[0]`.
 */
function locate(input: unknown, path: readonly PropertyKey[]): Partial<FlowProblem> {
  const at: Partial<FlowProblem> = {};
  let node = input;
  path.forEach((key, i) => {
    node = childOf(node, key);
    const idField = typeof key === 'string' ? ID_OF_COLLECTION[key] : undefined;
    const next = path[i + 1];
    const id = idField && next !== undefined ? childOf(childOf(node, next), 'id') : undefined;
    if (idField && typeof id === 'string') at[idField] = id;
  });
  return at;
}

function schemaProblems(input: unknown, zodError: z.ZodError): FlowProblem[] {
  return zodError.issues.map((issue) => {
    const path = issuePath(issue.path);
    return error('schema.invalid', `${path}: ${issue.message}`, { path, ...locate(input, issue.path) });
  });
}

function checkBlockOptions(index: FlowIndex): FlowProblem[] {
  return [...index.blocks.values()].flatMap(({ block, group, path }) =>
    blockOptionProblems(block).map(({ field, ...problem }) => ({
      ...problem,
      blockId: block.id,
      groupId: group.id,
      path: field === undefined ? path : `${path}.${field}`,
    })),
  );
}

const CHECKS: ((index: FlowIndex) => FlowProblem[])[] = [
  checkStartEvent,
  checkUniqueIds,
  checkEvents,
  checkEdges,
  checkJumpTargets,
  checkReachableGroups,
  checkUnreachableBlocks,
  checkVariables,
  checkBlockOptions,
  checkLoops,
];

/** Every problem of a parsed flow document. */
export function validateParsedFlow(doc: FlowDocument): FlowProblem[] {
  const index = indexFlow(doc);
  return CHECKS.flatMap((check) => check(index));
}

/**
 * Checks a flow document: first its shape (schema errors, with the path of each field at fault,
 * stop there), then the graph and the options. Pure; errors make a flow unpublishable.
 */
export function validateFlow(doc: unknown): FlowProblem[] {
  const parsed = flowDocumentSchema.safeParse(doc);
  return parsed.success ? validateParsedFlow(parsed.data) : schemaProblems(doc, parsed.error);
}

export const hasErrors = (problems: readonly FlowProblem[]): boolean => problems.some((p) => p.severity === 'error');
