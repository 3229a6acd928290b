export const FLOW_PROBLEM_CODES = [
  'schema.invalid',
  'start.missing',
  'start.multiple',
  'id.duplicate',
  'variable.duplicate_name',
  'event.no_edge',
  'event.duplicate_command',
  'edge.unknown_source',
  'edge.unknown_target',
  'edge.duplicate_exit',
  'edge.never_taken',
  'jump.unknown_target',
  'group.empty',
  'group.unreachable',
  'block.unreachable',
  'block.unsupported',
  'variable.unknown',
  'variable.unknown_name',
  'option.missing',
  'option.invalid_range',
  'condition.never_true',
  'regex.invalid',
  'regex.backtracking',
  'loop.without_input',
] as const;

export type FlowProblemCode = (typeof FLOW_PROBLEM_CODES)[number];
export type FlowProblemSeverity = 'error' | 'warning';

/**
 * Something wrong with a flow document. Errors make a flow unpublishable; warnings are shown to
 * the author. The ids say where to point in the editor; `path` is the JSON path of the field
 * (`groups.0.blocks.2.options.url`) when one field is at fault.
 */
export interface FlowProblem {
  code: FlowProblemCode;
  severity: FlowProblemSeverity;
  message: string;
  path?: string;
  groupId?: string;
  blockId?: string;
  edgeId?: string;
  eventId?: string;
}

/** A problem of one block, before the validator adds where the block is. */
export type BlockProblem = Pick<FlowProblem, 'code' | 'severity' | 'message'> & { field?: string };

export const error = (code: FlowProblemCode, message: string, at: Partial<FlowProblem> = {}): FlowProblem => ({
  code,
  severity: 'error',
  message,
  ...at,
});

export const warning = (code: FlowProblemCode, message: string, at: Partial<FlowProblem> = {}): FlowProblem => ({
  code,
  severity: 'warning',
  message,
  ...at,
});
