import { Inject, Injectable, Optional } from '@nestjs/common';
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ExecutionsConfig } from '@/config/app-config';
import type { OpenAiChatEffect } from '../engine/engine-types';
import type { EffectOutcome } from './effect-outcome';
import { EFFECTS_CONFIG, OPENAI_EFFECT_RUNNER_OPTIONS } from './effects.tokens';

const OPENAI_API = 'https://api.openai.com/v1';

/** Tokens one call used, with the model that answered: what billing records. */
export interface OpenAiUsage {
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * `data` of a successful `openAiChat` outcome. Its first four members are the engine's
 * `OpenAiResponseValue`s (`openAiResultSchema`): a response mapping copies one into a variable.
 * The token counts are absent when the server reports no usage.
 */
export interface OpenAiEffectData {
  messageContent: string;
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
  /** The model that answered (as reported by the server, else the one asked for). */
  model: string;
  /** `stop`, `length` (cut by `maxTokens`), `content_filter`… */
  finishReason: string | null;
}

export type OpenAiEffectOutcome = EffectOutcome & { usage?: OpenAiUsage };

export interface OpenAiEffectRunnerOptions {
  /** Retries made by the SDK (connection errors, timeouts, 408, 409, 429, 5xx). Default 2. */
  maxRetries?: number;
  /**
   * A 429 or 5xx whose `Retry-After` (or `retry-after-ms`) asks for a longer wait is not retried:
   * the SDK would wait as long as the server says. Default 10 s.
   */
  maxRetryAfterMs?: number;
  /** `fetch` used by the SDK (default: the global one). */
  fetch?: typeof fetch;
}

/**
 * Carries out `openAiChat` effects through the official SDK, against `OPENAI_BASE_URL` (any
 * OpenAI-compatible server) or api.openai.com. Never throws: the answer is an outcome, with the
 * token usage for billing when the call succeeded.
 *
 * `maxTokens` is sent as `max_completion_tokens` to api.openai.com (its reasoning models refuse
 * `max_tokens`) and as `max_tokens` to other servers (what compatible servers understand).
 * The effect's `connectionId` is not used yet: every call goes through the installation's key.
 */
@Injectable()
export class OpenAiEffectRunner {
  private readonly client: OpenAI | undefined;
  private readonly fetch: typeof fetch;
  private readonly officialApi: boolean;
  private readonly timeoutMs: number;
  private readonly maxRetryAfterMs: number;

  constructor(
    @Inject(EFFECTS_CONFIG) config: Pick<ExecutionsConfig, 'openai'>,
    @Optional() @Inject(OPENAI_EFFECT_RUNNER_OPTIONS) options: OpenAiEffectRunnerOptions | null = null,
  ) {
    const { apiKey, baseUrl, timeoutMs } = config.openai;
    const baseURL = (baseUrl ?? OPENAI_API).replace(/\/+$/, '');
    this.officialApi = new URL(baseURL).hostname === 'api.openai.com';
    this.timeoutMs = timeoutMs;
    this.maxRetryAfterMs = options?.maxRetryAfterMs ?? 10_000;
    this.fetch = options?.fetch ?? ((input, init) => fetch(input, init));
    // Everything is passed explicitly, so the SDK reads nothing from process.env.
    this.client = apiKey
      ? new OpenAI({
          apiKey,
          baseURL,
          organization: null,
          project: null,
          webhookSecret: null,
          timeout: timeoutMs,
          maxRetries: options?.maxRetries ?? 2,
        })
      : undefined;
  }

  /** Whether an API key is configured. */
  get configured(): boolean {
    return this.client !== undefined;
  }

  async run(effect: OpenAiChatEffect, signal?: AbortSignal): Promise<OpenAiEffectOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    if (!this.client) {
      return {
        outcome: 'error',
        error: 'OpenAI is not configured on this installation (OPENAI_API_KEY is not set)',
        errorCode: 'effect.not_configured',
        durationMs: 0,
        attempts: 0,
      };
    }
    let attempts = 0;
    const counting: typeof fetch = async (input, init) => {
      attempts++;
      let response: Response;
      try {
        response = await this.fetch(input, init);
      } catch (err) {
        throw sameRealmError(err);
      }
      return this.capRetryAfter(response);
    };
    const client = this.client.withOptions({ fetch: counting });
    let completion: ChatCompletion;
    try {
      completion = await client.chat.completions.create(this.params(effect), signal ? { signal } : undefined);
    } catch (err) {
      return {
        outcome: 'error',
        error: this.describe(err),
        errorCode: 'effect.upstream_error',
        durationMs: elapsed(),
        attempts,
      };
    }
    const choice = completion.choices[0];
    if (!choice) {
      return {
        outcome: 'error',
        error: 'OpenAI answered without a choice',
        errorCode: 'effect.upstream_error',
        durationMs: elapsed(),
        attempts,
      };
    }
    const model = completion.model || effect.model;
    const usage: OpenAiUsage | undefined = completion.usage
      ? {
          model,
          promptTokens: completion.usage.prompt_tokens,
          completionTokens: completion.usage.completion_tokens,
          totalTokens: completion.usage.total_tokens,
        }
      : undefined;
    const data: OpenAiEffectData = {
      messageContent: choice.message.content ?? '',
      ...(usage
        ? { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, totalTokens: usage.totalTokens }
        : {}),
      model,
      finishReason: choice.finish_reason ?? null,
    };
    return { outcome: 'ok', data, durationMs: elapsed(), attempts, ...(usage ? { usage } : {}) };
  }

  private params(effect: OpenAiChatEffect): ChatCompletionCreateParamsNonStreaming {
    return {
      model: effect.model,
      messages: effect.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(effect.temperature !== undefined ? { temperature: effect.temperature } : {}),
      ...(effect.maxTokens !== undefined
        ? this.officialApi
          ? { max_completion_tokens: effect.maxTokens }
          : { max_tokens: effect.maxTokens }
        : {}),
    };
  }

  /** Marks a response "do not retry" (`x-should-retry`, obeyed by the SDK) when it asks for too long a wait. */
  private capRetryAfter(response: Response): Response {
    if (response.status !== 429 && response.status < 500) return response;
    const wait = retryAfterMs(response.headers);
    if (wait === undefined || wait <= this.maxRetryAfterMs) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }

  private describe(err: unknown): string {
    if (err instanceof APIUserAbortError) return 'the OpenAI call was cancelled';
    if (err instanceof APIConnectionTimeoutError) return `OpenAI did not answer within ${this.timeoutMs} ms`;
    if (err instanceof APIError) {
      if (err.status === undefined) return `could not reach OpenAI: ${err.message}`;
      if (err.status === 401) return 'OpenAI refused the API key (401)';
      return `OpenAI answered ${err.message}`.slice(0, 500);
    }
    return `the OpenAI call failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
  }
}

function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(ms)) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number.parseFloat(value);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date - Date.now();
}

/**
 * The SDK tells a timeout by `err.name === 'AbortError'` after `castToError`, which drops the name
 * of errors that are not `instanceof Error` in its realm (a `DOMException` under Jest's VM).
 */
function sameRealmError(err: unknown): unknown {
  if (err instanceof Error || typeof err !== 'object' || err === null) return err;
  const { name, message } = err as { name?: unknown; message?: unknown };
  const copy = new Error(typeof message === 'string' ? message : 'fetch failed', { cause: err });
  if (typeof name === 'string') copy.name = name;
  return copy;
}
