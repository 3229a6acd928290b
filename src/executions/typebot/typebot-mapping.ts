import type { ChatbotSettings } from '@/chatbots/chatbot-settings';
import type { ChatMessage, ChatTurn } from '../chat-view';
import { assertNever } from '../engine/assert-never';
import type { Awaiting } from '../engine/engine-types';
import type { ClientAction } from '../turn-runner';
import { markdownToRichText } from './rich-text';
import type {
  TextBubbleContentFormat,
  TypebotClientSideAction,
  TypebotContinueChatResponse,
  TypebotInfo,
  TypebotInput,
  TypebotInputType,
  TypebotMessage,
  TypebotStartChatResponse,
} from './typebot-types';

/**
 * Parley's chat turns in the shapes of Typebot's chat API (startChat / continueChat), so that
 * Typebot's web embed can run Parley bots. Pure.
 *
 * Ids are Typebot's: a message's id is the block that sent it (the input block for a retry
 * message), made unique within one answer (`<blockId>:2` for a block that spoke twice) so that a
 * client-side action's `lastBubbleBlockId` names one bubble; an input's id is its block id.
 */

export interface TypebotMappingOptions {
  /** `richText` (default) or `markdown`, as the client asked with `textBubbleContentFormat`. */
  textBubbleContentFormat?: TextBubbleContentFormat;
  /**
   * The bot shows a progress bar (its theme's `general.progressBar.isEnabled`): only then does
   * Typebot send `progress`.
   */
  progressBar?: boolean;
}

export interface TypebotStartContext {
  /** The session token: Typebot clients send only the sessionId back, so it is the credential. */
  sessionToken: string;
  typebot: TypebotInfo;
}

/** A startChat answer. */
export function toTypebotResponse(
  turn: ChatTurn,
  context: TypebotStartContext,
  options: TypebotMappingOptions = {},
): TypebotStartChatResponse {
  return {
    sessionId: context.sessionToken,
    resultId: turn.sessionId,
    typebot: context.typebot,
    ...chatReply(turn, 'start', options),
  };
}

/** A continueChat answer. */
export function toTypebotContinueResponse(
  turn: ChatTurn,
  options: TypebotMappingOptions = {},
): TypebotContinueChatResponse {
  return chatReply(turn, 'continue', options);
}

/**
 * Like Typebot: startChat lists client-side actions only when there are some and no logs;
 * continueChat always lists both, except when it re-asks an input after an invalid reply (then it
 * answers only the retry message and the input).
 */
function chatReply(
  turn: ChatTurn,
  kind: 'start' | 'continue',
  options: TypebotMappingOptions,
): TypebotContinueChatResponse {
  const ids = messageIds(turn.messages);
  const reply: TypebotContinueChatResponse = {
    messages: turn.messages.map((message, i) => toTypebotMessage(message, ids[i]!, options)),
  };
  const input = turn.input ? toTypebotInput(turn.input) : undefined;
  if (input) reply.input = input;
  const actions = turn.actions.map((action) => toClientSideAction(action, ids));
  const retry = turn.input?.isRetry === true;
  if (actions.length > 0 || (kind === 'continue' && !retry)) reply.clientSideActions = actions;
  if (kind === 'continue' && !retry) reply.logs = [];
  if (options.progressBar === true && turn.progress !== null) reply.progress = turn.progress;
  return reply;
}

function messageIds(messages: readonly ChatMessage[]): string[] {
  const seen = new Map<string, number>();
  return messages.map(({ blockId }) => {
    const n = (seen.get(blockId) ?? 0) + 1;
    seen.set(blockId, n);
    return n === 1 ? blockId : `${blockId}:${n}`;
  });
}

// ---------------------------------------------------------------------------------------------
// Messages

/**
 * The embed's `saveDataInVariableId`: Typebot's widget forwards the data an embedded page posts only
 * when it is set; the engine saves it in the block's own variable, so any id does.
 */
export const EMBED_EVENT_DATA_VARIABLE = 'parley-embed-data';

export function toTypebotMessage(
  message: ChatMessage,
  id: string,
  options: TypebotMappingOptions = {},
): TypebotMessage {
  switch (message.type) {
    case 'text':
      return {
        id,
        type: 'text',
        content:
          options.textBubbleContentFormat === 'markdown'
            ? { type: 'markdown', markdown: message.markdown }
            : { type: 'richText', richText: markdownToRichText(message.markdown) },
      };
    case 'image':
      return {
        id,
        type: 'image',
        content: { url: message.url, ...(message.clickLink ? { clickLink: message.clickLink } : {}) },
      };
    case 'video':
      return { id, type: 'video', content: videoContent(message) };
    case 'audio':
      return { id, type: 'audio', content: { url: message.url, isAutoplayEnabled: message.autoplay } };
    case 'embed':
      return {
        id,
        type: 'embed',
        content: {
          url: message.url,
          ...(message.heightPx !== undefined ? { height: message.heightPx } : {}),
          ...(message.waitForEvent !== undefined
            ? {
                waitForEvent: {
                  isEnabled: true,
                  name: message.waitForEvent,
                  saveDataInVariableId: EMBED_EVENT_DATA_VARIABLE,
                },
              }
            : {}),
        },
      };
  }
}

/** How each provider's page URL names its video (Typebot's widget builds the player URL from the id). */
const VIDEO_ID_PATTERNS = {
  youtube: /(?:youtube\.com\/(?:watch\?(?:[^#]*&)?v=|shorts\/|embed\/|live\/)|youtu\.be\/)([\w-]+)/,
  vimeo: /vimeo\.com\/(?:video\/|channels\/[\w-]+\/|groups\/[\w-]+\/videos\/)?(\d+)/,
  tiktok: /tiktok\.com\/(?:@[\w.-]+\/video\/|embed\/(?:v2\/)?)(\d+)/,
  gumlet: /gumlet\.(?:com|io)\/(?:watch|embed)\/(\w+)/,
} as const;

function videoContent(message: Extract<ChatMessage, { type: 'video' }>) {
  const common = { url: message.url, areControlsDisplayed: message.showControls, isAutoplayEnabled: message.autoplay };
  if (message.provider === 'url') return { type: 'url' as const, ...common };
  const id = VIDEO_ID_PATTERNS[message.provider].exec(message.url)?.[1];
  // Without an id the widget cannot build the player: show the URL as a plain video instead.
  return id ? { type: message.provider, ...common, id } : { type: 'url' as const, ...common };
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** Drops undefined values; undefined when nothing is left (Typebot leaves such objects out). */
function compact(values: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept = Object.entries(values).filter(([, v]) => v !== undefined);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** `value` unless it is Typebot's default (which Typebot leaves out of the block). */
const unlessDefault = <T>(value: T | undefined, typebotDefault: T): T | undefined =>
  value === typebotDefault ? undefined : value;

const ifTrue = (value: boolean): true | undefined => (value ? true : undefined);

function block(awaiting: Awaiting, type: TypebotInputType, options: Record<string, unknown>): TypebotInput {
  const kept = compact(options);
  return {
    id: awaiting.blockId,
    ...(awaiting.outgoingEdgeId !== undefined ? { outgoingEdgeId: awaiting.outgoingEdgeId } : {}),
    type,
    ...(kept ? { options: kept } : {}),
  };
}

/**
 * The Typebot input block for what the bot waits for, or undefined when the widget shows no input
 * (an embed waiting for its page's event: the embed bubble itself listens).
 */
export function toTypebotInput(awaiting: Awaiting): TypebotInput | undefined {
  const { variableId } = awaiting;
  const textLabels = compact({ placeholder: awaiting.placeholder, button: awaiting.buttonLabel });
  switch (awaiting.type) {
    case 'textInput':
      return block(awaiting, 'text input', { variableId, labels: textLabels, isLong: ifTrue(awaiting.multiline) });
    case 'numberInput':
      return block(awaiting, 'number input', {
        variableId,
        labels: textLabels,
        min: awaiting.min,
        max: awaiting.max,
        step: awaiting.step,
      });
    case 'emailInput':
      return block(awaiting, 'email input', { variableId, labels: textLabels });
    case 'urlInput':
      return block(awaiting, 'url input', { variableId, labels: textLabels });
    case 'phoneInput':
      return block(awaiting, 'phone number input', {
        variableId,
        labels: textLabels,
        defaultCountryCode: awaiting.defaultCountryCode,
      });
    case 'dateInput':
      return block(awaiting, 'date input', {
        variableId,
        labels: compact({ button: awaiting.buttonLabel, from: awaiting.fromLabel, to: awaiting.toLabel }),
        hasTime: ifTrue(awaiting.hasTime),
        isRange: ifTrue(awaiting.isRange),
        format: awaiting.format,
        min: awaiting.min,
        max: awaiting.max,
      });
    case 'timeInput':
      return block(awaiting, 'time input', {
        variableId,
        labels: compact({ button: awaiting.buttonLabel }),
        format: unlessDefault(awaiting.format, 'HH:mm'),
      });
    case 'ratingInput':
      // Typebot's numbered buttons go from `startsAt` to `length`; Parley's rating has `length`
      // values from `startsAt`, so the last value is Typebot's `length`.
      return block(awaiting, 'rating input', {
        variableId,
        buttonType: awaiting.style === 'icons' ? 'Icons' : undefined,
        length: unlessDefault(awaiting.startsAt + awaiting.length - 1, 10),
        startsAt: unlessDefault(awaiting.startsAt, 0),
        labels: compact({ left: awaiting.leftLabel, right: awaiting.rightLabel, button: awaiting.buttonLabel }),
        isOneClickSubmitEnabled: ifTrue(awaiting.oneClickSubmit),
      });
    case 'choiceInput':
      return {
        ...block(awaiting, 'choice input', {
          variableId,
          isMultipleChoice: ifTrue(awaiting.multiple),
          isSearchable: ifTrue(awaiting.searchable),
          searchInputPlaceholder: awaiting.placeholder,
          buttonLabel: awaiting.buttonLabel,
        }),
        items: awaiting.choices.map((choice) => ({ id: choice.id, content: choice.label })),
      };
    case 'pictureChoiceInput':
      return {
        ...block(awaiting, 'picture choice input', {
          variableId,
          isMultipleChoice: ifTrue(awaiting.multiple),
          isSearchable: ifTrue(awaiting.searchable),
          searchInputPlaceholder: awaiting.placeholder,
          buttonLabel: awaiting.buttonLabel,
        }),
        items: awaiting.choices.map((choice) => ({
          id: choice.id,
          pictureSrc: choice.pictureUrl,
          ...(choice.title !== undefined ? { title: choice.title } : {}),
          ...(choice.description !== undefined ? { description: choice.description } : {}),
        })),
      };
    case 'fileInput':
      return block(awaiting, 'file input', {
        variableId,
        isRequired: awaiting.required ? undefined : false,
        isMultipleAllowed: ifTrue(awaiting.multiple),
        labels: textLabels,
        allowedFileTypes:
          awaiting.allowedTypes.length > 0 ? { isEnabled: true, types: awaiting.allowedTypes } : undefined,
      });
    case 'embedEvent':
      return undefined;
    default:
      return assertNever(awaiting, 'awaited input');
  }
}

// ---------------------------------------------------------------------------------------------
// Client-side actions

/** Placed after the bubble it follows (`lastBubbleBlockId`), or before all bubbles when it has none. */
export function toClientSideAction(action: ClientAction, messageIds: readonly string[]): TypebotClientSideAction {
  const shown = Math.min(action.afterMessageCount, messageIds.length);
  const position = shown > 0 ? { lastBubbleBlockId: messageIds[shown - 1]! } : {};
  switch (action.type) {
    case 'redirect':
      return { type: 'redirect', redirect: { url: action.url, isNewTab: action.newTab }, ...position };
    case 'wait':
      return { type: 'wait', wait: { secondsToWaitFor: action.seconds }, ...position };
  }
}

// ---------------------------------------------------------------------------------------------
// Resume

/**
 * continueChat without a message, as Typebot answers it: the awaited input asked again, after its
 * retry message (Typebot treats the missing reply as an invalid one). Nothing to say when the
 * conversation is over or waits for no input.
 */
export function reaskedTurn(view: {
  sessionId: string;
  status: ChatTurn['status'];
  input: Awaiting | null;
  progress: number | null;
}): ChatTurn {
  const turn = resumedTurn(view);
  if (!turn.input) return turn;
  const retry = turn.input.retryMessage?.trim() ? turn.input.retryMessage : undefined;
  return {
    ...turn,
    messages: retry !== undefined ? [{ type: 'text', blockId: turn.input.blockId, markdown: retry, id: 'reask' }] : [],
    input: { ...turn.input, isRetry: true },
  };
}

/** What a session waits for, as a turn with nothing new to say. */
export function resumedTurn(view: {
  sessionId: string;
  status: ChatTurn['status'];
  input: Awaiting | null;
  progress: number | null;
}): ChatTurn {
  return {
    sessionId: view.sessionId,
    status: view.status,
    messages: [],
    input: view.status === 'active' ? view.input : null,
    actions: [],
    progress: view.progress,
  };
}

/** A turn followed by the next one (startChat answering the first input at once), as one answer. */
export function concatTurns(first: ChatTurn, next: ChatTurn): ChatTurn {
  const shift = first.messages.length;
  return {
    ...next,
    messages: [...first.messages, ...next.messages],
    actions: [
      ...first.actions,
      ...next.actions.map((action) => ({ ...action, afterMessageCount: action.afterMessageCount + shift })),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The bot

/** The Typebot schema version whose shapes the answers follow. */
export const TYPEBOT_SCHEMA_VERSION = '6.1';

/** Typebot counts typing speed in words per minute; a word is about five characters. */
const CHARACTERS_PER_WORD = 5;

/** What startChat says about the bot: theme keys Typebot's widget reads, and its runtime settings. */
export function typebotInfoOf(
  bot: { id: string; theme: Record<string, unknown> },
  version: { publishedAt: Date; settings: ChatbotSettings },
): TypebotInfo {
  const { general, chat, customCss } = bot.theme;
  const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  const { typingEmulation, rememberUser } = version.settings;
  return {
    id: bot.id,
    version: TYPEBOT_SCHEMA_VERSION,
    theme: {
      ...(isObject(general) ? { general } : {}),
      ...(isObject(chat) ? { chat } : {}),
      ...(typeof customCss === 'string' ? { customCss } : {}),
    },
    settings: {
      general: { isBrandingEnabled: false, rememberUser: { isEnabled: rememberUser, storage: 'local' } },
      typingEmulation: {
        enabled: typingEmulation.enabled,
        speed: Math.max(1, Math.round((typingEmulation.speedCharsPerSecond * 60) / CHARACTERS_PER_WORD)),
        maxDelay: typingEmulation.maxDelayMs / 1000,
      },
    },
    publishedAt: version.publishedAt.toISOString(),
  };
}

/** Whether a bot's theme (Typebot's, as imported or edited) turns the progress bar on. */
export function progressBarEnabled(theme: Record<string, unknown>): boolean {
  const general = theme.general as { progressBar?: { isEnabled?: unknown } } | null | undefined;
  return typeof general === 'object' && general !== null && general.progressBar?.isEnabled === true;
}
