import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { OrganizationId } from '@/access/organization-id';
import { type AiUsage, type OpenAiErrorCode, type OpenAiResult, OpenAiClient } from '@/integrations/openai';
import { fileKey, FileStorage } from '@/storage/file-storage';
import type { OpenAiChatEffect, OpenAiSpeechEffect, OpenAiTranscriptionEffect } from '../engine/engine-types';
import type { EffectErrorCode, EffectOutcome } from './effect-outcome';

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

/** `usage` is set for every call that reached OpenAI, failed ones included. */
export type OpenAiEffectOutcome = EffectOutcome & { usage?: AiUsage };

export type OpenAiEffect = OpenAiChatEffect | OpenAiTranscriptionEffect | OpenAiSpeechEffect;

const EFFECT_CODES: Record<OpenAiErrorCode, EffectErrorCode> = {
  not_configured: 'effect.not_configured',
  upstream_error: 'effect.upstream_error',
  timeout: 'effect.timeout',
  cancelled: 'effect.cancelled',
  invalid_request: 'effect.invalid_request',
  address_refused: 'effect.address_refused',
  dns_failed: 'effect.dns_failed',
  too_large: 'effect.response_too_large',
  download_failed: 'effect.network_error',
  quota_exceeded: 'billing.quota_exceeded',
  budget_exceeded: 'billing.ai_budget_exhausted',
};

/**
 * Carries out the engine's OpenAI effects through the one `OpenAiClient` (the block's
 * `connectionId` picks the organization's key, else `OPENAI_API_KEY`). Never throws: the answer
 * is an outcome, with the usage to save with the turn.
 *
 * - `openAiChat`: a chat completion; `data` is `OpenAiEffectData`.
 * - `openAiTranscription`: the audio URL is downloaded (outbound address policy, size cap) and
 *   transcribed; `data` is `{ text }`.
 * - `openAiSpeech`: the audio is stored under `org/<id>/speech/<uuid>.<format>` and `data` is
 *   `{ url, key }`, `url` a signed link (`SIGNED_URL_TTL_SECONDS`) the visitor's player loads.
 */
@Injectable()
export class OpenAiEffectRunner {
  constructor(
    private readonly client: OpenAiClient,
    @Inject(FileStorage) private readonly storage: FileStorage,
  ) {}

  /** Whether the installation has a key of its own (blocks may still name a connection). */
  get configured(): boolean {
    return this.client.configured;
  }

  run(organizationId: OrganizationId, effect: OpenAiEffect, signal?: AbortSignal): Promise<OpenAiEffectOutcome> {
    switch (effect.kind) {
      case 'openAiChat':
        return this.chat(organizationId, effect, signal);
      case 'openAiTranscription':
        return this.transcribe(organizationId, effect, signal);
      case 'openAiSpeech':
        return this.speak(organizationId, effect, signal);
    }
  }

  private async chat(
    organizationId: OrganizationId,
    effect: OpenAiChatEffect,
    signal: AbortSignal | undefined,
  ): Promise<OpenAiEffectOutcome> {
    const done = await this.client.chat(target(organizationId, effect, signal), {
      model: effect.model,
      messages: effect.messages,
      ...(effect.temperature !== undefined ? { temperature: effect.temperature } : {}),
      ...(effect.maxTokens !== undefined ? { maxTokens: effect.maxTokens } : {}),
    });
    if (!done.ok) return failed(done);
    const answer = done.value;
    const data: OpenAiEffectData = {
      messageContent: answer.content,
      ...(answer.tokens
        ? {
            promptTokens: answer.tokens.prompt,
            completionTokens: answer.tokens.completion,
            totalTokens: answer.tokens.total,
          }
        : {}),
      model: answer.model,
      finishReason: answer.finishReason,
    };
    return succeeded(done, data);
  }

  private async transcribe(
    organizationId: OrganizationId,
    effect: OpenAiTranscriptionEffect,
    signal: AbortSignal | undefined,
  ): Promise<OpenAiEffectOutcome> {
    const done = await this.client.transcribe(target(organizationId, effect, signal), {
      model: effect.model,
      audio: { url: effect.url },
      ...(effect.language !== undefined ? { language: effect.language } : {}),
    });
    return done.ok ? succeeded(done, { text: done.value.text }) : failed(done);
  }

  private async speak(
    organizationId: OrganizationId,
    effect: OpenAiSpeechEffect,
    signal: AbortSignal | undefined,
  ): Promise<OpenAiEffectOutcome> {
    const done = await this.client.speech(target(organizationId, effect, signal), {
      model: effect.model,
      input: effect.input,
      voice: effect.voice,
      format: effect.format,
    });
    if (!done.ok) return failed(done);
    const key = fileKey(organizationId, 'speech', `${randomUUID()}.${effect.format}`);
    try {
      await this.storage.put(key, done.value.audio, { contentType: done.value.contentType });
      const url = await this.storage.signedUrl(key);
      return succeeded(done, { url, key });
    } catch (err) {
      return {
        outcome: 'error',
        error: `the audio could not be stored: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500),
        errorCode: 'effect.storage_failed',
        durationMs: done.durationMs,
        attempts: done.attempts,
        ...(done.usage ? { usage: done.usage } : {}),
      };
    }
  }
}

function target(organizationId: OrganizationId, effect: OpenAiEffect, signal: AbortSignal | undefined) {
  return {
    organizationId,
    ...(effect.connectionId !== undefined ? { connectionId: effect.connectionId } : {}),
    ...(signal ? { signal } : {}),
  };
}

function succeeded<T>(done: OpenAiResult<T> & { ok: true }, data: unknown): OpenAiEffectOutcome {
  return {
    outcome: 'ok',
    data,
    durationMs: done.durationMs,
    attempts: done.attempts,
    ...(done.usage ? { usage: done.usage } : {}),
  };
}

function failed<T>(done: OpenAiResult<T> & { ok: false }): OpenAiEffectOutcome {
  return {
    outcome: 'error',
    error: done.error,
    errorCode: EFFECT_CODES[done.code],
    durationMs: done.durationMs,
    attempts: done.attempts,
    ...(done.usage ? { usage: done.usage } : {}),
  };
}
