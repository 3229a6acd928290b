import { z } from 'zod';
import type { BlockOf } from '@/flows';
import { readPath } from '../values/value-path';
import type { VariableStore } from '../values/variable-store';

/** What the service feeds back for an `httpRequest` effect (after its retries). */
export const httpResultSchema = z.object({ statusCode: z.number().int(), data: z.unknown().optional() });
/** What the service feeds back for an `openAiChat` effect. */
export const openAiResultSchema = z.object({
  messageContent: z.string().optional(),
  totalTokens: z.number().optional(),
  promptTokens: z.number().optional(),
  completionTokens: z.number().optional(),
});
/** What the service feeds back for an `openAiTranscription` effect. */
export const openAiTranscriptionResultSchema = z.object({ text: z.string() });
/** What the service feeds back for an `openAiSpeech` effect: a (signed) link to the stored audio. */
export const openAiSpeechResultSchema = z.object({ url: z.string().min(1) });
/** What the service feeds back for a `linkBot` effect: the key of the loaded flow in `linkedFlows`. */
export const linkBotResultSchema = z.object({ flowRef: z.string().min(1) });

export type HttpResult = z.output<typeof httpResultSchema>;
export type OpenAiResult = z.output<typeof openAiResultSchema>;
export type LinkBotResult = z.output<typeof linkBotResultSchema>;

export interface Applied {
  /** Problems worth logging (an error status, a path that does not read). */
  errors: string[];
}

/** Maps an HTTP response into variables: each path is read in `{ statusCode, data }`. */
export function applyHttpResult(block: BlockOf<'httpRequest'>, data: unknown, store: VariableStore): Applied {
  const parsed = httpResultSchema.safeParse(data);
  if (!parsed.success) return { errors: ['the HTTP result is not { statusCode, data }'] };
  const response = { statusCode: parsed.data.statusCode, data: parsed.data.data };
  const errors = response.statusCode >= 400 ? [`the server answered ${response.statusCode}`] : [];
  for (const mapping of block.options.responseMapping) {
    const read = readPath(response, mapping.path.trim() === '' ? 'data' : mapping.path);
    if (!read.ok) errors.push(read.error);
    else store.set(mapping.variableId, read.value);
  }
  return { errors };
}

export function applyOpenAiTranscriptionResult(
  block: BlockOf<'openAiTranscription'>,
  data: unknown,
  store: VariableStore,
): Applied {
  const parsed = openAiTranscriptionResultSchema.safeParse(data);
  if (!parsed.success) return { errors: ['the transcription result is not { text }'] };
  if (block.options.variableId !== undefined) store.set(block.options.variableId, parsed.data.text);
  return { errors: [] };
}

/** Saves the audio's link; returns it for the audio bubble (undefined when the result is unusable). */
export function applyOpenAiSpeechResult(
  block: BlockOf<'openAiSpeech'>,
  data: unknown,
  store: VariableStore,
): Applied & { url?: string } {
  const parsed = openAiSpeechResultSchema.safeParse(data);
  if (!parsed.success) return { errors: ['the speech result is not { url }'] };
  if (block.options.urlVariableId !== undefined) store.set(block.options.urlVariableId, parsed.data.url);
  return { errors: [], url: parsed.data.url };
}

export function applyOpenAiResult(block: BlockOf<'openAiChat'>, data: unknown, store: VariableStore): Applied {
  const parsed = openAiResultSchema.safeParse(data);
  if (!parsed.success) return { errors: ['the OpenAI result is not { messageContent, totalTokens, … }'] };
  for (const mapping of block.options.responseMapping) store.set(mapping.variableId, parsed.data[mapping.value]);
  return { errors: [] };
}
