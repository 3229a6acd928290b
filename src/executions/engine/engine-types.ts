import type {
  BlockType,
  BubbleBlockType,
  ContactField,
  EventType,
  FlowDocument,
  HttpMethod,
  OpenAiResponseValue,
  OpenAiSpeechFormat,
  OpenAiVoice,
  VariableValue,
  VIDEO_PROVIDERS,
} from '@/flows';
import type { SessionState } from './session-state';

export type VideoProviderName = (typeof VIDEO_PROVIDERS)[number];

/** What a visitor sent for the awaited input. Choices may come as item ids in `value`. */
export interface ReplyPayload {
  text?: string;
  value?: unknown;
  fileUrls?: string[];
}

/** Something that happened to a session; the engine answers with what the bot does next. */
export type EngineInput =
  | {
      type: 'start';
      /** Prefilled variables, by variable name (or id). Unknown names are ignored. */
      variables?: Record<string, unknown>;
      /** Start at this group instead of the start event (preview "start from here"). */
      startGroupId?: string;
      /** Start from this event's exit instead of the start event. */
      startEventId?: string;
    }
  | ({ type: 'reply' } & ReplyPayload)
  | { type: 'effectResult'; effectId: string; outcome: 'ok' | 'error'; data?: unknown; error?: string }
  | { type: 'idle' }
  | { type: 'command'; command: string }
  /**
   * A human agent hands a handed-off conversation back to the bot: it continues at the first block
   * of `groupId` (a group of the session's own flow), else after the handoff block.
   */
  | { type: 'resume'; groupId?: string };

export interface EngineLimits {
  /** Blocks run in one turn before the engine stops a runaway loop. */
  maxBlocksPerTurn: number;
  /** Longest reply accepted (characters); longer replies are invalid. */
  maxReplyLength: number;
  /** Longest text a user-written regular expression is run against. */
  maxRegexInputLength: number;
  /** Most files accepted by one multi-file input. */
  maxFiles: number;
  /** Deepest jump/reply/idle nesting remembered; the oldest marks are dropped beyond it. */
  maxReturnStack: number;
  /** Deepest chain of linked bots. */
  maxLinkDepth: number;
}

/** Facts the engine cannot know by itself, for `setVariable` system values. */
export interface SessionFacts {
  resultId?: string;
  userId?: string;
  channel?: string;
  deviceType?: string;
  contactName?: string;
  contactPhone?: string;
  /** Called only when a `transcript` system value is set. */
  transcript?: () => string;
}

export interface EngineContext {
  /** The current time; injected so a run is deterministic. */
  now: Date;
  /** A random number in [0, 1); injected (A/B split, random ids). */
  random: () => number;
  limits?: Partial<EngineLimits>;
  /**
   * Flows of linked bots the session is running or entering, by the `flowRef` the service chose
   * when it answered a `linkBot` effect. `requiredFlowRefs(state)` lists the ones a state needs.
   */
  linkedFlows?: Readonly<Record<string, FlowDocument>>;
  facts?: SessionFacts;
  /**
   * The session's contact, read by `{{contact.<key>}}` (`name`, `email`, `phone`, `lifecycleStage`,
   * `leadScore` and the attribute keys): loaded by the service once per turn, none without a contact.
   */
  contact?: ContactValues;
}

/** A contact's fields and attributes by key, as templates read them (`contactValuesOf` builds it). */
export type ContactValues = Readonly<Record<string, VariableValue>>;

// ---------------------------------------------------------------------------------------------
// Messages

interface MessageBase {
  /** The block that produced the message (the input block for a retry message). */
  blockId: string;
}

/**
 * Text bubbles are markdown (the flow model's text format): `{{variables}}` are substituted with
 * their raw value, so an inserted value is rendered as markdown too, like Typebot does.
 */
export type BotMessage =
  | (MessageBase & { type: 'text'; markdown: string })
  | (MessageBase & { type: 'image'; url: string; alt?: string; clickLink?: { url: string; alt?: string } })
  | (MessageBase & {
      type: 'video';
      url: string;
      provider: VideoProviderName;
      autoplay: boolean;
      showControls: boolean;
    })
  | (MessageBase & { type: 'audio'; url: string; autoplay: boolean })
  | (MessageBase & { type: 'embed'; url: string; heightPx?: number; waitForEvent?: string });

/** Compiles only while every bubble block type sends a message of its own type, and no other. */
type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;
type _EveryBubbleHasAMessage = Expect<SameMembers<BotMessage['type'], BubbleBlockType>>;

// ---------------------------------------------------------------------------------------------
// Awaited input

export interface ChoiceOption {
  /** Item id, or `<blockId>:dyn:<n>` for a button built from a list variable. */
  id: string;
  label: string;
}

export interface PictureChoiceOption {
  id: string;
  pictureUrl: string;
  title?: string;
  description?: string;
}

export type AwaitingOptions =
  | { type: 'textInput'; multiline: boolean; minLength?: number; maxLength?: number }
  | { type: 'numberInput'; min?: number; max?: number; step?: number }
  | { type: 'emailInput' }
  | { type: 'phoneInput'; defaultCountryCode?: string }
  | { type: 'urlInput' }
  | {
      type: 'dateInput';
      hasTime: boolean;
      isRange: boolean;
      min?: string;
      max?: string;
      format?: string;
      fromLabel?: string;
      toLabel?: string;
      rangeSeparator: string;
    }
  | { type: 'timeInput'; format: string; min?: string; max?: string }
  | {
      type: 'ratingInput';
      length: number;
      startsAt: number;
      style: 'numbers' | 'icons';
      leftLabel?: string;
      rightLabel?: string;
      oneClickSubmit: boolean;
    }
  | { type: 'choiceInput'; multiple: boolean; searchable: boolean; choices: ChoiceOption[] }
  | { type: 'pictureChoiceInput'; multiple: boolean; searchable: boolean; choices: PictureChoiceOption[] }
  | { type: 'fileInput'; required: boolean; multiple: boolean; allowedTypes: string[]; maxSizeMb?: number }
  /** An `embed` bubble waiting for the embedded page to post the named event. */
  | { type: 'embedEvent'; name: string };

export type AwaitingType = AwaitingOptions['type'];

/** What the bot waits for, with everything a client needs to render the input. */
export type Awaiting = AwaitingOptions & {
  blockId: string;
  groupId: string;
  variableId?: string;
  placeholder?: string;
  buttonLabel?: string;
  retryMessage?: string;
  /** The previous reply was invalid and this is the same input asked again. */
  isRetry: boolean;
  /** The id of the edge leaving the input block itself (not one of its items), when it has one. */
  outgoingEdgeId?: string;
  /** Fire an `idle` input after this many seconds without a reply (when the flow has an idle event). */
  idleTimeoutSeconds?: number;
};

// ---------------------------------------------------------------------------------------------
// Effects

interface EffectBase {
  /** Unique within the session; an `effectResult` input names it. */
  effectId: string;
  blockId: string;
  groupId: string;
  /** Messages of this turn sent before the effect (to place client-side actions between them). */
  afterMessageCount: number;
}

export interface HttpRequestEffect extends EffectBase {
  kind: 'httpRequest';
  awaitsResult: true;
  method: HttpMethod;
  /** Absolute http(s) URL, query parameters included. */
  url: string;
  headers: { key: string; value: string }[];
  body?: string;
  timeoutMs: number;
  retries: number;
  /** The organization's connection whose auth the request carries (applied by the service). */
  connectionId?: string;
  /** Set by the service with a connection's auth: headers dropped on a redirect to another origin. */
  credentialHeaders?: string[];
  /** Informational: the engine maps the result itself when it is fed back. */
  responseMapping: { path: string; variableId: string; variableName?: string }[];
}

export interface OpenAiChatEffect extends EffectBase {
  kind: 'openAiChat';
  awaitsResult: true;
  connectionId?: string;
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  temperature?: number;
  maxTokens?: number;
  responseMapping: { value: OpenAiResponseValue; variableId: string; variableName?: string }[];
}

/** Speech to text: the service downloads `url` and answers `{ text }` (`openAiTranscriptionResultSchema`). */
export interface OpenAiTranscriptionEffect extends EffectBase {
  kind: 'openAiTranscription';
  awaitsResult: true;
  connectionId?: string;
  model: string;
  /** Absolute http(s) URL of the audio. */
  url: string;
  language?: string;
}

/**
 * Text to speech: the service stores the audio and answers `{ url }`, a signed link to it
 * (`openAiSpeechResultSchema`); the engine sends the audio bubble and saves the link.
 */
export interface OpenAiSpeechEffect extends EffectBase {
  kind: 'openAiSpeech';
  awaitsResult: true;
  connectionId?: string;
  model: string;
  input: string;
  voice: OpenAiVoice;
  format: OpenAiSpeechFormat;
}

export interface SendEmailEffect extends EffectBase {
  kind: 'sendEmail';
  awaitsResult: false;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo?: string;
  subject: string;
  body: string;
  format: 'text' | 'html';
}

export interface WaitEffect extends EffectBase {
  kind: 'wait';
  awaitsResult: true;
  seconds: number;
}

export interface HandoffEffect extends EffectBase {
  kind: 'handoff';
  awaitsResult: false;
  departmentId?: string;
  message?: string;
}

/** A client-side action: the client opens `url`. */
export interface RedirectEffect extends EffectBase {
  kind: 'redirect';
  awaitsResult: false;
  url: string;
  newTab: boolean;
}

/** The service loads the linked bot's flow and answers with `{ flowRef }` (see `linkedFlows`). */
export interface LinkBotEffect extends EffectBase {
  kind: 'linkBot';
  awaitsResult: true;
  chatbotPublicId: string;
  /** Where the linked bot starts (else at its start event). */
  targetGroupId?: string;
}

/**
 * Sets fields of the session's contact (or matches/makes one from the email or phone and links it).
 * The service answers `ok` (the contact's new values fed back into the next engine call's
 * `context.contact`) or `error` (an invalid value: logged, the flow goes on).
 */
export interface UpdateContactEffect extends EffectBase {
  kind: 'updateContact';
  awaitsResult: true;
  /** Values resolved from the templates (a single `{{variable}}` keeps its raw value). */
  fields: { field: ContactField; attributeKey?: string; value: unknown }[];
}

export type Effect =
  | HttpRequestEffect
  | UpdateContactEffect
  | OpenAiChatEffect
  | OpenAiTranscriptionEffect
  | OpenAiSpeechEffect
  | SendEmailEffect
  | WaitEffect
  | HandoffEffect
  | RedirectEffect
  | LinkBotEffect;

export type EffectKind = Effect['kind'];
/** Effects the engine waits for: their result must be fed back as an `effectResult` input. */
export type AwaitedEffect = Extract<Effect, { awaitsResult: true }>;
export type AwaitedEffectKind = AwaitedEffect['kind'];

/** The awaited effect kinds, as a list (the session state's schema checks a pause against it). */
const awaitedEffectKinds = {
  httpRequest: true,
  openAiChat: true,
  openAiTranscription: true,
  openAiSpeech: true,
  wait: true,
  linkBot: true,
  updateContact: true,
} satisfies Record<AwaitedEffectKind, true>;
export const AWAITED_EFFECT_KINDS = Object.keys(awaitedEffectKinds) as [AwaitedEffectKind, ...AwaitedEffectKind[]];

export function isAwaitedEffect(effect: Effect): effect is AwaitedEffect {
  return effect.awaitsResult;
}

// ---------------------------------------------------------------------------------------------
// Log and result

export type StepOutcome = 'ok' | 'awaiting_input' | 'awaiting_effect' | 'invalid' | 'skipped' | 'error';

/** `client:log`: what a chat client reported of a turn (Typebot's widget's clientLogs), not a block run. */
export type StepKind = BlockType | `event:${EventType}` | 'client:log';

export interface LogStep {
  /** The block, or the event for `event:*` steps. */
  blockId: string;
  /** Null for events. */
  groupId: string | null;
  kind: StepKind;
  outcome: StepOutcome;
  error?: string;
  /** Left undefined by the pure core; the service may measure effects. */
  durationMs?: number;
  /** Set when the step ran inside a linked bot. */
  flowRef?: string;
  /** `client:log` steps: the client's details (JSON, truncated). */
  detail?: string;
}

export type EngineStatus = 'awaiting_input' | 'awaiting_effect' | 'completed' | 'handoff';

export const ENGINE_ERROR_CODES = [
  /** The flow walked more blocks than `maxBlocksPerTurn` without waiting: the session was ended. */
  'engine.loop_limit',
  /** A non-start input arrived without a session state. */
  'engine.no_session',
  /** The state was written by another version of the engine. */
  'engine.state_version',
  /** The session is completed or handed off (a handed-off one continues only by `resume`). */
  'engine.session_ended',
  /** A reply, idle or command arrived while the engine waits for an effect, or the reverse. */
  'engine.unexpected_input',
  /** An effect result names an effect the engine is not waiting for. */
  'engine.unexpected_effect',
  /** The command has no `command` event in the flow. */
  'engine.unknown_command',
  /** The flow has no `idle` event, or idle already fired for this input. */
  'engine.no_idle_event',
  /** The state refers to a linked bot whose flow is not in `context.linkedFlows`. */
  'engine.linked_flow_missing',
  /** The state points at a block that is not in the flow (the flow changed under the session). */
  'engine.position_lost',
  /** A `resume` arrived for a session that was not handed off (it waits, or ended otherwise). */
  'engine.not_handed_off',
  /** A `resume` names a group that is not in the flow. */
  'engine.unknown_group',
  /**
   * A `resume` without a group for a handed-off session that does not know where it stopped (a
   * state stored before handoff positions were recorded): resume at a chosen group instead.
   */
  'engine.handoff_position_unknown',
] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export interface EngineError {
  code: EngineErrorCode;
  message: string;
}

export interface EngineResult {
  messages: BotMessage[];
  awaiting: Awaiting | null;
  effects: Effect[];
  nextState: SessionState;
  log: LogStep[];
  status: EngineStatus;
  /**
   * Set when the input was rejected (then `nextState` is the given state, unchanged) or when the
   * turn failed (`engine.loop_limit`: the session is ended).
   */
  error?: EngineError;
}
