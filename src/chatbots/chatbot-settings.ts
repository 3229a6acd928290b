/**
 * Runtime settings of a chatbot; frozen into each published version. (The idle timeout is not here:
 * it belongs to the flow's `idle` event, so each bot version says how long it waits and what it says.)
 */
export interface ChatbotSettings {
  readonly typingEmulation: {
    readonly enabled: boolean;
    /** Characters "typed" per second before a bubble shows. */
    readonly speedCharsPerSecond: number;
    readonly maxDelayMs: number;
  };
  /** A session with no activity for this long expires. */
  readonly sessionExpirySeconds: number;
  /** Resume a returning visitor's session in the widget instead of starting anew. */
  readonly rememberUser: boolean;
  /** Origins allowed to start sessions from a browser; empty: any origin. */
  readonly allowedOrigins: readonly string[];
  /** BCP 47 language tag, e.g. `en` or `pt-BR`. */
  readonly defaultLanguage: string;
}

export const defaultChatbotSettings: ChatbotSettings = {
  // ~33 characters a second is about 400 words a minute, Typebot's default typing speed.
  typingEmulation: { enabled: true, speedCharsPerSecond: 33, maxDelayMs: 3_000 },
  sessionExpirySeconds: 24 * 3600,
  rememberUser: false,
  allowedOrigins: [],
  defaultLanguage: 'en',
};

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};
export type ChatbotSettingsPatch = DeepPartial<ChatbotSettings>;

/** Applies a partial update (one level of nesting) to settings. */
export function mergeSettings(base: ChatbotSettings, patch: ChatbotSettingsPatch | undefined): ChatbotSettings {
  if (!patch) return base;
  return {
    ...base,
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    typingEmulation: { ...base.typingEmulation, ...stripUndefined(patch.typingEmulation) },
  };
}

const stripUndefined = <T extends object>(value: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
