/**
 * The flow engine: a pure, synchronous core with no I/O (see `runEngine`). The executions
 * service stores `SessionState`, carries out `Effect`s and feeds their results back.
 */
export { runEngine } from './run-engine';
export { assertNever } from './assert-never';
export { describeAwaiting, statusOf } from './describe-awaiting';
export * from './engine-types';
export {
  SESSION_STATE_VERSION,
  emptySessionState,
  handoffPositionOf,
  parseSessionState,
  requiredFlowRefs,
  sessionStateSchema,
  type Answer,
  type HandoffPosition,
  type LinkFrame,
  type ParsedSessionState,
  type Pause,
  type ResumeMark,
  type SessionState,
} from './session-state';
export {
  httpResultSchema,
  linkBotResultSchema,
  openAiResultSchema,
  type HttpResult,
  type LinkBotResult,
  type OpenAiResult,
} from './effects/effect-results';
export { DEFAULT_ENGINE_LIMITS } from './walker/turn';
export { buildTranscript, markdownToPlainText, messageText, type TranscriptEntry } from './transcript';
export { renderTemplate } from './templating';
export { evaluateExpression, EXPRESSION_HELPERS } from './expressions';
export { readPath } from './values/value-path';
