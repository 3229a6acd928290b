import { z } from 'zod';
import { variableValueSchema } from '@/flows';
import { AWAITED_EFFECT_KINDS } from './engine-types';

/**
 * The state of one conversation between turns: plain JSON, stored by the executions service and
 * given back to the engine on the next input. `stateVersion` changes when the shape does.
 */
export const SESSION_STATE_VERSION = 1;

const id = z.string().min(1).max(200);

/** A place to go: a group, optionally at one of its blocks. */
export const targetSchema = z.strictObject({ groupId: id, blockId: id.optional() });

export const replyPayloadSchema = z.strictObject({
  text: z.string().optional(),
  value: z.unknown().optional(),
  fileUrls: z.array(z.string()).optional(),
});

/**
 * What a `return` (or the end of a path) resumes:
 * - `goto`: the block after a `jump` (or the jump's exit);
 * - `endPath`: the jump had nothing after it, so the path ends again;
 * - `reask`: an input interrupted by an `invalidReply`, `idle` or `command` flow is asked again;
 * - `reply`: an input whose reply went first through the `reply` event handles that reply now.
 */
export const resumeMarkSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('goto'), target: targetSchema }),
  z.strictObject({ kind: z.literal('endPath') }),
  z.strictObject({ kind: z.literal('reask'), groupId: id, blockId: id, idleFired: z.boolean() }),
  z.strictObject({ kind: z.literal('reply'), groupId: id, blockId: id, reply: replyPayloadSchema }),
]);

/** Where the session waits. */
export const pauseSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('input'),
    groupId: id,
    blockId: id,
    /** The last reply was invalid and the retry message was sent. */
    isRetry: z.boolean(),
    /** The idle event already fired for this input (it fires once per input). */
    idleFired: z.boolean(),
  }),
  z.strictObject({
    kind: z.literal('effect'),
    groupId: id,
    blockId: id,
    effectId: id,
    effectKind: z.enum(AWAITED_EFFECT_KINDS),
  }),
]);

/** A parent bot waiting for a linked bot to finish. */
export const linkFrameSchema = z.strictObject({
  /** The parent's flow (null: the session's own flow). */
  flowRef: z.string().nullable(),
  variables: z.record(z.string(), variableValueSchema),
  returnStack: z.array(resumeMarkSchema),
  /** The parent continues after this (linkBot) block. */
  resumeAfter: z.strictObject({ groupId: id, blockId: id }),
  mergeVariables: z.boolean(),
});

export const answerSchema = z.strictObject({
  blockId: id,
  groupId: id,
  inputType: z.string(),
  variableId: id.optional(),
  value: variableValueSchema.optional(),
  answeredAt: z.string(),
  flowRef: z.string().optional(),
});

/** Where a `handoff` block handed the conversation to a human: a hand-back resumes after it. */
export const handoffPositionSchema = z.strictObject({ groupId: id, blockId: id });

export const sessionStateSchema = z.strictObject({
  stateVersion: z.literal(SESSION_STATE_VERSION),
  /** The flow running now: null for the session's own flow, else a linked bot's `flowRef`. */
  flowRef: z.string().nullable(),
  /** Values of the running flow's variables, by variable id. Unset variables are absent. */
  variables: z.record(z.string(), variableValueSchema),
  /** Valid replies, by input block id (`<flowRef>:<blockId>` inside a linked bot). */
  answers: z.record(z.string(), answerSchema),
  /** Invalid replies per input block id, reset by a valid one. */
  retries: z.record(z.string(), z.number().int().min(0)),
  pause: pauseSchema.nullable(),
  pendingEffectIds: z.array(id),
  returnStack: z.array(resumeMarkSchema),
  linkStack: z.array(linkFrameSchema),
  /** Counter for effect ids. */
  effectSeq: z.number().int().min(0),
  completed: z.boolean(),
  /** Why the session ended: the flow ran out, an `end` block, a handoff, or an engine error. */
  endedBy: z.enum(['flow', 'end', 'handoff', 'error']).nullable(),
  /**
   * The handoff block that ended the session (in the running flow, `flowRef`), while it is handed
   * off; null otherwise. Defaults to null: states stored before it existed still parse (they can
   * be handed back only at a chosen group).
   */
  handoff: handoffPositionSchema.nullable().default(null),
  startedAt: z.string(),
  updatedAt: z.string(),
});

export type Target = z.output<typeof targetSchema>;
export type ResumeMark = z.output<typeof resumeMarkSchema>;
export type Pause = z.output<typeof pauseSchema>;
export type LinkFrame = z.output<typeof linkFrameSchema>;
export type Answer = z.output<typeof answerSchema>;
export type HandoffPosition = z.output<typeof handoffPositionSchema>;
export type SessionState = z.output<typeof sessionStateSchema>;

export type ParsedSessionState = { ok: true; state: SessionState } | { ok: false; message: string };

/** Reads a stored state (JSON from the database) at the boundary. */
export function parseSessionState(json: unknown): ParsedSessionState {
  const parsed = sessionStateSchema.safeParse(json);
  if (parsed.success) return { ok: true, state: parsed.data };
  const first = parsed.error.issues[0];
  return { ok: false, message: first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid state' };
}

/**
 * Where a handed-off session stopped (the handoff block and its group), or null when the session
 * is not handed off or was stored before the position was recorded.
 */
export function handoffPositionOf(state: SessionState): HandoffPosition | null {
  return state.completed && state.endedBy === 'handoff' && state.handoff ? { ...state.handoff } : null;
}

/** Flow refs of linked bots that `runEngine` needs in `context.linkedFlows` for this state. */
export function requiredFlowRefs(state: SessionState): string[] {
  const refs = [state.flowRef, ...state.linkStack.map((frame) => frame.flowRef)];
  return [...new Set(refs.filter((ref): ref is string => ref !== null))];
}

export function emptySessionState(nowIso: string): SessionState {
  return {
    stateVersion: SESSION_STATE_VERSION,
    flowRef: null,
    variables: {},
    answers: {},
    retries: {},
    pause: null,
    pendingEffectIds: [],
    returnStack: [],
    linkStack: [],
    effectSeq: 0,
    completed: false,
    endedBy: null,
    handoff: null,
    startedAt: nowIso,
    updatedAt: nowIso,
  };
}
