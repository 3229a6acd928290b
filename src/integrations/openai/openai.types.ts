import type { OrganizationId } from '@/access/organization-id';

/** What an AI call was, for metering (`ai.usage_recorded`). */
export type AiOperation = 'chat' | 'transcription' | 'speech' | 'response';

/**
 * One call's usage, reported for every call that reached the provider, failed ones included
 * (tokens 0). Token counts are what the provider reported (0 when it reports none: speech, Whisper).
 */
export interface AiUsage {
  provider: 'openai';
  operation: AiOperation;
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Wall time of the call, retries included. */
  durationMs: number;
  outcome: 'ok' | 'error';
  /** The organization's connection whose key paid for it; null: the installation's key. */
  connectionId: string | null;
  /** Seconds of audio transcribed, as the provider reported them (null when it did not, or not a transcription). */
  audioSeconds: number | null;
  /** Characters of text turned into speech (null for other operations). */
  characters: number | null;
}

/** Why a call failed. */
export type OpenAiErrorCode =
  /** No key: no connection given and `OPENAI_API_KEY` unset, or the connection is unknown or not an OpenAI one. */
  | 'not_configured'
  /** The provider answered with an error (after the retries), or an unusable answer. */
  | 'upstream_error'
  /** No answer within `OPENAI_TIMEOUT_MS` (each attempt). */
  | 'timeout'
  /** The caller's signal aborted the call. */
  | 'cancelled'
  /** Something the caller gave is unusable (an audio URL that is not http(s), an empty text). */
  | 'invalid_request'
  /** An address (the audio URL's, a connection's base URL) is in a refused range. */
  | 'address_refused'
  | 'dns_failed'
  /** The audio to transcribe is larger than allowed. */
  | 'too_large'
  /** Billing refused the call before it was made: the plan's AI quota is used up (`AiSpendGuard`). */
  | 'quota_exceeded'
  /** Billing refused the call before it was made: the organization's monthly AI budget is spent. */
  | 'budget_exceeded'
  /** The audio URL could not be downloaded (network error, error status). */
  | 'download_failed';

/** Whose key a call uses: the organization's connection, else the installation's key. */
export interface OpenAiTarget {
  readonly organizationId: OrganizationId;
  readonly connectionId?: string;
  readonly signal?: AbortSignal;
}

interface CallFacts {
  /** HTTP attempts made (1 + retries); 0 when the call was refused before any. */
  attempts: number;
  durationMs: number;
  /** Undefined when no request reached the provider (not configured, refused URL). */
  usage: AiUsage | undefined;
}

/** The answer of one call: never thrown, always returned. */
export type OpenAiResult<T> =
  (CallFacts & { ok: true; value: T }) | (CallFacts & { ok: false; code: OpenAiErrorCode; error: string });

export interface ChatRequest {
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  temperature?: number;
  maxTokens?: number;
}

export interface ChatAnswer {
  content: string;
  /** The model that answered (as reported, else the one asked for). */
  model: string;
  /** `stop`, `length`, `content_filter`… */
  finishReason: string | null;
  /** Absent when the server reports no usage. */
  tokens?: { prompt: number; completion: number; total: number };
}

export type AudioSource =
  | { readonly bytes: Buffer; readonly fileName: string; readonly contentType: string }
  /** Downloaded under the outbound address policy, up to the size cap. */
  | { readonly url: string };

export interface TranscriptionRequest {
  model: string;
  audio: AudioSource;
  /** ISO-639-1 code of the spoken language (better accuracy), e.g. `fr`. */
  language?: string;
  prompt?: string;
}

export const SPEECH_FORMATS = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
} as const;
export type SpeechFormat = keyof typeof SPEECH_FORMATS;

export interface SpeechRequest {
  model: string;
  input: string;
  voice: string;
  format: SpeechFormat;
  /** Extra guidance for `gpt-4o-mini-tts` (tone, accent). */
  instructions?: string;
}

export interface SpeechAnswer {
  audio: Buffer;
  contentType: string;
  model: string;
}

/** A Responses API call (what replaced the Assistants API). */
export interface ResponseRequest {
  model: string;
  input: string;
  instructions?: string;
  /** Continues the conversation of an earlier response. */
  previousResponseId?: string;
  temperature?: number;
}

export interface ResponseAnswer {
  text: string;
  responseId: string;
  model: string;
}
