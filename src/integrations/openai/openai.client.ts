import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError, toFile } from 'openai';
import { APP_CONFIG } from '@/config';
import type { ExecutionsConfig, IntegrationsConfig } from '@/config/app-config';
import { type HostResolver, OutboundAddressError, OutboundAddressGuard } from '@/common/outbound/outbound-address';
import { ConnectionSecrets } from '../connections/connection-secrets';
import { AiSpendGuard } from './ai-spend-guard';
import { DownloadFailure, guardedDownload } from './guarded-download';
import {
  type AiOperation,
  type AiUsage,
  type ChatAnswer,
  type ChatRequest,
  type OpenAiErrorCode,
  type OpenAiResult,
  type OpenAiTarget,
  type ResponseAnswer,
  type ResponseRequest,
  SPEECH_FORMATS,
  type SpeechAnswer,
  type SpeechRequest,
  type TranscriptionRequest,
} from './openai.types';

export const OPENAI_API = 'https://api.openai.com/v1';
/** Optional `OpenAiClientOptions`. */
export const OPENAI_CLIENT_OPTIONS = Symbol('OPENAI_CLIENT_OPTIONS');

/** The parts of the configuration the client reads. */
export interface OpenAiClientConfig {
  readonly executions: Pick<ExecutionsConfig, 'openai'>;
  readonly integrations: Pick<IntegrationsConfig, 'outbound'>;
}

export interface OpenAiClientOptions {
  /** Retries made by the SDK (connection errors, timeouts, 408, 409, 429, 5xx). Default 2. */
  maxRetries?: number;
  /**
   * A 429 or 5xx whose `Retry-After` (or `retry-after-ms`) asks for a longer wait is not retried:
   * the SDK would wait as long as the server says. Default 10 s.
   */
  maxRetryAfterMs?: number;
  /** Largest audio file transcribed (Whisper's limit is 25 MB). Default 25 MiB. */
  maxAudioBytes?: number;
  /** SDK instances kept for organizations' connections. Default 100. */
  maxCachedConnections?: number;
  /** Host name resolution of audio URLs and connections' base URLs (default `dns.lookup`). */
  resolver?: HostResolver;
  /** `fetch` used by the SDK (default: the global one). */
  fetch?: typeof fetch;
}

interface Resolved {
  readonly sdk: OpenAI;
  /** api.openai.com (whose reasoning models refuse `max_tokens`), not a compatible server. */
  readonly officialApi: boolean;
  readonly connectionId: string | null;
  /** Checked before each call: a connection's base URL is the organization's, not trusted configuration. */
  readonly guardHost: string | undefined;
}

type Failure = { ok: false; code: OpenAiErrorCode; error: string };

class CallFailure extends Error {
  constructor(
    readonly code: OpenAiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Every OpenAI call of Parley goes through here (the flow engine's blocks, later transcription
 * jobs): one place for the key, base URL, timeouts, retries and usage metering.
 *
 * Whose key: a `connectionId` names one of the organization's connections (type `openai`:
 * `settings.baseUrl?`, `settings.organization?`, `secrets.apiKey`), read through
 * `ConnectionSecrets`; its SDK instance is cached per (connection id, key fingerprint), so a
 * rotated key gets a new one. Without a connection the installation's `OPENAI_API_KEY` and
 * `OPENAI_BASE_URL` are used; with neither, calls fail `not_configured` without a request.
 * A connection's base URL is the organization's choice, so its host is checked against the
 * outbound address policy (`OUTBOUND_ALLOW_PRIVATE_NETWORKS`) before each call (the SDK's fetch
 * resolves it again: a rebinding window remains); `OPENAI_BASE_URL` is trusted configuration.
 *
 * Never throws for a failed call: every method answers an `OpenAiResult` carrying the usage
 * to record (`AiUsageRecorder`, or the turn's outbox for engine calls).
 */
@Injectable()
export class OpenAiClient {
  private readonly defaultClient: Resolved | undefined;
  private readonly connections = new Map<string, Resolved>();
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxAudioBytes: number;
  private readonly maxCached: number;
  private readonly fetch: typeof fetch;
  private readonly guard: OutboundAddressGuard;

  constructor(
    @Inject(APP_CONFIG) config: OpenAiClientConfig,
    @Optional() @Inject(ConnectionSecrets) private readonly secrets: ConnectionSecrets | null = null,
    @Optional() @Inject(OPENAI_CLIENT_OPTIONS) options: OpenAiClientOptions | null = null,
    @Optional() @Inject(AiSpendGuard) private readonly spend: AiSpendGuard | null = null,
  ) {
    const { apiKey, baseUrl, timeoutMs } = config.executions.openai;
    this.timeoutMs = timeoutMs;
    this.maxRetries = options?.maxRetries ?? 2;
    this.maxRetryAfterMs = options?.maxRetryAfterMs ?? 10_000;
    this.maxAudioBytes = options?.maxAudioBytes ?? 25 * 1024 * 1024;
    this.maxCached = options?.maxCachedConnections ?? 100;
    this.fetch = options?.fetch ?? ((input, init) => fetch(input, init));
    this.guard = new OutboundAddressGuard(
      { allowPrivateNetworks: config.integrations.outbound.allowPrivateNetworks },
      options?.resolver,
    );
    this.defaultClient = apiKey ? this.build(apiKey, baseUrl, undefined, null, false) : undefined;
  }

  /** Whether the installation has a key of its own (`OPENAI_API_KEY`). */
  get configured(): boolean {
    return this.defaultClient !== undefined;
  }

  chat(target: OpenAiTarget, request: ChatRequest): Promise<OpenAiResult<ChatAnswer>> {
    return this.call(target, 'chat', request.model, async (client, options) => {
      const completion = await client.sdk.chat.completions.create(
        {
          model: request.model,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.maxTokens !== undefined
            ? client.officialApi
              ? { max_completion_tokens: request.maxTokens }
              : { max_tokens: request.maxTokens }
            : {}),
        },
        options,
      );
      const choice = completion.choices[0];
      if (!choice) throw new CallFailure('upstream_error', 'OpenAI answered without a choice');
      const model = completion.model || request.model;
      const usage = completion.usage;
      const answer: ChatAnswer = {
        content: choice.message.content ?? '',
        model,
        finishReason: choice.finish_reason ?? null,
        ...(usage
          ? { tokens: { prompt: usage.prompt_tokens, completion: usage.completion_tokens, total: usage.total_tokens } }
          : {}),
      };
      return { value: answer, model, tokens: answer.tokens };
    });
  }

  /** Audio (bytes, or a URL downloaded under the outbound policy) → text. */
  transcribe(target: OpenAiTarget, request: TranscriptionRequest): Promise<OpenAiResult<{ text: string }>> {
    return this.call(target, 'transcription', request.model, async (client, options) => {
      const audio = 'url' in request.audio ? await this.download(request.audio.url, target.signal) : request.audio;
      const file = await toFile(audio.bytes, audio.fileName || 'audio', {
        type: audio.contentType || 'application/octet-stream',
      });
      const result = await client.sdk.audio.transcriptions.create(
        {
          file,
          model: request.model,
          ...(request.language ? { language: request.language } : {}),
          ...(request.prompt ? { prompt: request.prompt } : {}),
        },
        options,
      );
      const usage = result.usage;
      const tokens =
        usage?.type === 'tokens'
          ? { prompt: usage.input_tokens, completion: usage.output_tokens, total: usage.total_tokens }
          : undefined;
      const audioSeconds = usage?.type === 'duration' ? usage.seconds : undefined;
      return { value: { text: result.text }, model: request.model, tokens, audioSeconds };
    });
  }

  /** Text → audio bytes. */
  speech(target: OpenAiTarget, request: SpeechRequest): Promise<OpenAiResult<SpeechAnswer>> {
    if (request.input.trim() === '') return Promise.resolve(refused('invalid_request', 'the text to speak is empty'));
    return this.call(target, 'speech', request.model, async (client, options) => {
      const response = await client.sdk.audio.speech.create(
        {
          model: request.model,
          input: request.input,
          voice: request.voice,
          response_format: request.format,
          ...(request.instructions ? { instructions: request.instructions } : {}),
        },
        options,
      );
      const audio = Buffer.from(await response.arrayBuffer());
      if (audio.length === 0) throw new CallFailure('upstream_error', 'OpenAI answered with no audio');
      const contentType = SPEECH_FORMATS[request.format];
      return {
        value: { audio, contentType, model: request.model },
        model: request.model,
        tokens: undefined,
        characters: request.input.length,
      };
    });
  }

  /** A Responses API call: what replaced the Assistants API (instructions + input, optionally continuing a response). */
  respond(target: OpenAiTarget, request: ResponseRequest): Promise<OpenAiResult<ResponseAnswer>> {
    return this.call(target, 'response', request.model, async (client, options) => {
      const response = await client.sdk.responses.create(
        {
          model: request.model,
          input: request.input,
          ...(request.instructions ? { instructions: request.instructions } : {}),
          ...(request.previousResponseId ? { previous_response_id: request.previousResponseId } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        },
        options,
      );
      const model = response.model || request.model;
      const usage = response.usage;
      return {
        value: { text: response.output_text, responseId: response.id, model },
        model,
        tokens: usage
          ? { prompt: usage.input_tokens, completion: usage.output_tokens, total: usage.total_tokens }
          : undefined,
      };
    });
  }

  /** Runs one operation with the target's key, counting attempts and timing it; failures become results. */
  private async call<T>(
    target: OpenAiTarget,
    operation: AiOperation,
    requestedModel: string,
    run: (
      client: Resolved,
      options: { signal?: AbortSignal } | undefined,
    ) => Promise<{
      value: T;
      model: string;
      tokens: { prompt: number; completion: number; total: number } | undefined;
      audioSeconds?: number | undefined;
      characters?: number;
    }>,
  ): Promise<OpenAiResult<T>> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const refusal = await this.spend?.check(target.organizationId, operation);
    if (refusal)
      return {
        ok: false,
        code: refusal.code,
        error: refusal.message,
        attempts: 0,
        durationMs: elapsed(),
        usage: undefined,
      };
    const resolved = await this.resolve(target);
    if ('ok' in resolved) return { ...resolved, attempts: 0, durationMs: elapsed(), usage: undefined };
    if (resolved.guardHost !== undefined) {
      try {
        await this.guard.resolveAllowed(resolved.guardHost);
      } catch (err) {
        if (!(err instanceof OutboundAddressError)) throw err;
        const error = `the connection's base URL is refused: ${err.message}`;
        return { ok: false, code: err.reason, error, attempts: 0, durationMs: elapsed(), usage: undefined };
      }
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
    const usage = (
      outcome: 'ok' | 'error',
      model: string,
      tokens?: { prompt: number; completion: number; total: number },
      audioSeconds?: number,
      characters?: number,
    ): AiUsage => ({
      provider: 'openai',
      operation,
      model,
      promptTokens: tokens?.prompt ?? 0,
      completionTokens: tokens?.completion ?? 0,
      totalTokens: tokens?.total ?? 0,
      durationMs: elapsed(),
      outcome,
      connectionId: resolved.connectionId,
      audioSeconds: audioSeconds ?? null,
      characters: characters ?? null,
    });
    try {
      const done = await run(
        { ...resolved, sdk: resolved.sdk.withOptions({ fetch: counting }) },
        target.signal ? { signal: target.signal } : undefined,
      );
      return {
        ok: true,
        value: done.value,
        attempts,
        durationMs: elapsed(),
        usage: usage('ok', done.model, done.tokens, done.audioSeconds, done.characters),
      };
    } catch (err) {
      const { code, error } = this.describe(err);
      return {
        ok: false,
        code,
        error,
        attempts,
        durationMs: elapsed(),
        // A call refused before any request (a refused audio URL) cost nothing.
        usage: attempts > 0 ? usage('error', requestedModel) : undefined,
      };
    }
  }

  private async resolve(target: OpenAiTarget): Promise<Resolved | Failure> {
    if (target.connectionId === undefined) {
      return (
        this.defaultClient ??
        refusedFailure(
          'not_configured',
          'OpenAI is not configured: the block names no OpenAI connection and OPENAI_API_KEY is not set',
        )
      );
    }
    if (!this.secrets) {
      return refusedFailure('not_configured', 'connections are not available on this installation');
    }
    const connection = await this.secrets.find(target.organizationId, target.connectionId);
    if (!connection) {
      return refusedFailure('not_configured', `the OpenAI connection ${target.connectionId} does not exist`);
    }
    const credentials = connection.credentials;
    if (credentials.type !== 'openai') {
      return refusedFailure('not_configured', `the connection "${connection.name}" is not an OpenAI connection`);
    }
    const { apiKey } = credentials.secrets;
    const { baseUrl, organization } = credentials.settings;
    const fingerprint = createHash('sha256')
      .update(`${apiKey}\n${baseUrl ?? ''}\n${organization ?? ''}`)
      .digest('base64url')
      .slice(0, 22);
    const cacheKey = `${connection.id}:${fingerprint}`;
    const cached = this.connections.get(cacheKey);
    if (cached) {
      this.connections.delete(cacheKey); // most recently used last
      this.connections.set(cacheKey, cached);
      return cached;
    }
    for (const key of this.connections.keys()) {
      if (key.startsWith(`${connection.id}:`)) this.connections.delete(key); // its key changed
    }
    const built = this.build(apiKey, baseUrl, organization, connection.id, true);
    this.connections.set(cacheKey, built);
    while (this.connections.size > this.maxCached) {
      this.connections.delete(this.connections.keys().next().value!);
    }
    return built;
  }

  private build(
    apiKey: string,
    baseUrl: string | undefined,
    organization: string | undefined,
    connectionId: string | null,
    guarded: boolean,
  ): Resolved {
    const baseURL = (baseUrl ?? OPENAI_API).replace(/\/+$/, '');
    const host = new URL(baseURL).hostname;
    // Everything is passed explicitly, so the SDK reads nothing from process.env.
    const sdk = new OpenAI({
      apiKey,
      baseURL,
      organization: organization ?? null,
      project: null,
      webhookSecret: null,
      timeout: this.timeoutMs,
      maxRetries: this.maxRetries,
    });
    return { sdk, officialApi: host === 'api.openai.com', connectionId, guardHost: guarded ? host : undefined };
  }

  private async download(url: string, signal: AbortSignal | undefined) {
    try {
      return await guardedDownload(url, {
        guard: this.guard,
        maxBytes: this.maxAudioBytes,
        timeoutMs: this.timeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (!(err instanceof DownloadFailure)) throw err;
      const code: OpenAiErrorCode =
        err.reason === 'invalid_url'
          ? 'invalid_request'
          : err.reason === 'address_refused' || err.reason === 'dns_failed' || err.reason === 'too_large'
            ? err.reason
            : err.reason === 'timeout'
              ? 'timeout'
              : 'download_failed';
      throw new CallFailure(code, `the audio could not be fetched: ${err.message}`);
    }
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

  private describe(err: unknown): { code: OpenAiErrorCode; error: string } {
    if (err instanceof CallFailure) return { code: err.code, error: err.message };
    if (err instanceof APIUserAbortError) return { code: 'cancelled', error: 'the OpenAI call was cancelled' };
    if (err instanceof APIConnectionTimeoutError) {
      return { code: 'timeout', error: `OpenAI did not answer within ${this.timeoutMs} ms` };
    }
    if (err instanceof APIError) {
      if (err.status === undefined) return { code: 'upstream_error', error: `could not reach OpenAI: ${err.message}` };
      if (err.status === 401) return { code: 'upstream_error', error: 'OpenAI refused the API key (401)' };
      return { code: 'upstream_error', error: `OpenAI answered ${err.message}`.slice(0, 500) };
    }
    const message = err instanceof Error ? err.message : String(err);
    return { code: 'upstream_error', error: `the OpenAI call failed: ${message}`.slice(0, 500) };
  }
}

function refusedFailure(code: OpenAiErrorCode, error: string): Failure {
  return { ok: false, code, error };
}

function refused<T>(code: OpenAiErrorCode, error: string): OpenAiResult<T> {
  return { ok: false, code, error, attempts: 0, durationMs: 0, usage: undefined };
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
