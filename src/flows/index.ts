/**
 * The pure flow layer: the Parley flow document (zod schemas and types), its validation, the
 * Typebot importer, Parley's export format and the built-in templates. No NestJS, no I/O.
 */
export * from './model/block-types';
export { blockSchema, blockItemIds, type Block, type BlockInput, type BlockOf } from './model/block';
export * from './model/blocks/bubble-blocks';
export * from './model/blocks/input-blocks';
export * from './model/blocks/logic-blocks';
export * from './model/blocks/integration-blocks';
export * from './model/blocks/conversation-blocks';
export * from './model/conditions';
export * from './model/events';
export * from './model/variables';
export * from './model/primitives';
export * from './model/flow-document';
export * from './model/json-schema';
export * from './model/parley-export';
export * from './model/field-errors';
export * from './model/block-refs';
export * from './model/template-refs';
export {
  FLOW_PROBLEM_CODES,
  type BlockProblem,
  type FlowProblem,
  type FlowProblemCode,
  type FlowProblemSeverity,
} from './validation/flow-problem';
export { validateFlow, validateParsedFlow, hasErrors } from './validation/validate-flow';
export { blockOptionProblems } from './validation/block-option-problems';
export {
  importTypebot,
  type NotRunnableBlock,
  type TypebotImportOptions,
  type TypebotImportReport,
  type TypebotImportResult,
} from './typebot/import-typebot';
export * from './templates';
