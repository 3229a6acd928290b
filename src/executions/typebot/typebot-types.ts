import type { RichTextElement } from './rich-text';

/**
 * The answers of Typebot's chat API (`packages/chat-api/src/schemas.ts` upstream), as far as Parley
 * produces them: `startChat` and `continueChat` responses, their messages, inputs and client-side
 * actions. Option objects hold only what differs from Typebot's defaults, as Typebot sends them.
 */

export type TextBubbleContentFormat = 'richText' | 'markdown';

export type TypebotMessage =
  | {
      id: string;
      type: 'text';
      content: { type: 'richText'; richText: RichTextElement[] } | { type: 'markdown'; markdown: string };
    }
  | { id: string; type: 'image'; content: { url: string; clickLink?: { url: string; alt?: string } } }
  | {
      id: string;
      type: 'video';
      content: {
        type: 'url' | 'youtube' | 'vimeo' | 'tiktok' | 'gumlet';
        url: string;
        id?: string;
        areControlsDisplayed: boolean;
        isAutoplayEnabled: boolean;
      };
    }
  | { id: string; type: 'audio'; content: { url: string; isAutoplayEnabled: boolean } }
  | {
      id: string;
      type: 'embed';
      content: {
        url: string;
        height?: number;
        waitForEvent?: { isEnabled: true; name: string; saveDataInVariableId?: string };
      };
    };

export type TypebotMessageType = TypebotMessage['type'];

/** Every Typebot message type Parley sends (the OpenAPI enum); keyed by the union, so none is left out. */
const typebotMessageTypes = { text: true, image: true, video: true, audio: true, embed: true } satisfies Record<
  TypebotMessageType,
  true
>;
export const TYPEBOT_MESSAGE_TYPES = Object.keys(typebotMessageTypes) as TypebotMessageType[];

export type TypebotInputType =
  | 'text input'
  | 'number input'
  | 'email input'
  | 'url input'
  | 'phone number input'
  | 'date input'
  | 'time input'
  | 'rating input'
  | 'choice input'
  | 'picture choice input'
  | 'file input';

export interface TypebotChoiceItem {
  id: string;
  content: string;
}

export interface TypebotPictureChoiceItem {
  id: string;
  pictureSrc: string;
  title?: string;
  description?: string;
}

/** An input block as Typebot sends it: `id` is the block id, `options` only when non-default. */
export interface TypebotInput {
  id: string;
  type: TypebotInputType;
  items?: TypebotChoiceItem[] | TypebotPictureChoiceItem[];
  options?: Record<string, unknown>;
  prefilledValue?: string;
}

export type TypebotClientSideAction = { lastBubbleBlockId?: string } & (
  | { type: 'redirect'; redirect: { url: string; isNewTab: boolean } }
  | { type: 'wait'; wait: { secondsToWaitFor: number } }
);

export interface TypebotLog {
  status: string;
  description: string;
  details?: unknown;
}

export interface TypebotContinueChatResponse {
  messages: TypebotMessage[];
  input?: TypebotInput;
  clientSideActions?: TypebotClientSideAction[];
  logs?: TypebotLog[];
  progress?: number;
}

/** The bot as startChat describes it to the widget. */
export interface TypebotInfo {
  id: string;
  version: string;
  theme: Record<string, unknown>;
  settings: { general?: Record<string, unknown>; typingEmulation?: Record<string, unknown> };
  publishedAt?: string;
}

export interface TypebotStartChatResponse extends TypebotContinueChatResponse {
  /** The credential of the session for continueChat (Parley's session token). */
  sessionId: string;
  /** The result: Parley's session id. */
  resultId: string;
  typebot: TypebotInfo;
}
