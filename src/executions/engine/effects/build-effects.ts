import type { BlockOf } from '@/flows';
import type {
  HttpRequestEffect,
  OpenAiChatEffect,
  OpenAiSpeechEffect,
  OpenAiTranscriptionEffect,
  SendEmailEffect,
  UpdateContactEffect,
} from '../engine-types';
import { renderJsonTemplate, renderOptional, renderTemplate, resolveTemplateValue } from '../templating';
import type { VariableStore } from '../values/variable-store';
import { asItems, printValue } from '../values/variable-values';

/** Fields every effect has, filled by the walker. */
export interface EffectPlace {
  effectId: string;
  blockId: string;
  groupId: string;
  afterMessageCount: number;
}

export type Built<T> = { ok: true; effect: T } | { ok: false; error: string };

const variableName = (store: VariableStore, variableId: string) => store.variable(variableId)?.name;

function withQuery(rawUrl: string, query: { key: string; value: string }[]): string | undefined {
  let url: URL;
  try {
    url = new URL(rawUrl.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  for (const { key, value } of query) if (key.trim() !== '') url.searchParams.append(key.trim(), value);
  return url.toString();
}

function httpBody(block: BlockOf<'httpRequest'>, store: VariableStore): string | undefined {
  const { body, sendAllVariables } = block.options;
  if (body !== undefined && body.trim() !== '') {
    return /^\s*[[{]/.test(body) || body.trim().startsWith('{{')
      ? renderJsonTemplate(body, store)
      : renderTemplate(body, store);
  }
  return sendAllVariables ? JSON.stringify(store.named()) : undefined;
}

/** An HTTP call with its URL, query, headers and body resolved. */
export function buildHttpRequest(
  block: BlockOf<'httpRequest'>,
  store: VariableStore,
  place: EffectPlace,
): Built<HttpRequestEffect> {
  const o = block.options;
  const renderedUrl = renderTemplate(o.url, store);
  const url = withQuery(
    renderedUrl,
    o.query.map((q) => ({ key: q.key, value: renderTemplate(q.value, store) })),
  );
  if (url === undefined) return { ok: false, error: `"${renderedUrl.slice(0, 200)}" is not an http(s) URL` };
  const body = httpBody(block, store);
  return {
    ok: true,
    effect: {
      ...place,
      kind: 'httpRequest',
      awaitsResult: true,
      method: o.method,
      url,
      headers: o.headers
        .filter((h) => h.key.trim() !== '')
        .map((h) => ({ key: h.key.trim(), value: renderTemplate(h.value, store) })),
      ...(body !== undefined ? { body } : {}),
      timeoutMs: o.timeoutMs,
      retries: o.retries,
      ...(o.connectionId !== undefined ? { connectionId: o.connectionId } : {}),
      responseMapping: o.responseMapping.map((m) => ({ ...m, variableName: variableName(store, m.variableId) })),
    },
  };
}

type ChatMessage = OpenAiChatEffect['messages'][number];

/** A list variable read as alternating turns, starting with `startsBy`. */
function dialogue(store: VariableStore, variableId: string, startsBy: 'user' | 'assistant'): ChatMessage[] {
  const other = startsBy === 'user' ? 'assistant' : 'user';
  return asItems(store.get(variableId)).map((item, i) => ({
    role: i % 2 === 0 ? startsBy : other,
    content: printValue(item),
  }));
}

/** A chat completion request with the messages resolved. */
export function buildOpenAiChat(
  block: BlockOf<'openAiChat'>,
  store: VariableStore,
  place: EffectPlace,
): Built<OpenAiChatEffect> {
  const o = block.options;
  const messages = o.messages
    .flatMap((m): ChatMessage[] =>
      m.role === 'dialogue'
        ? dialogue(store, m.variableId, m.startsBy)
        : [{ role: m.role, content: renderTemplate(m.content, store) }],
    )
    .filter((m) => m.content.trim() !== '');
  if (messages.length === 0) return { ok: false, error: 'the request has no message' };
  return {
    ok: true,
    effect: {
      ...place,
      kind: 'openAiChat',
      awaitsResult: true,
      ...(o.connectionId !== undefined ? { connectionId: o.connectionId } : {}),
      model: o.model,
      messages,
      ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
      ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
      responseMapping: o.responseMapping.map((m) => ({ ...m, variableName: variableName(store, m.variableId) })),
    },
  };
}

/** A transcription request with the audio URL rendered (and checked to be http(s)). */
export function buildOpenAiTranscription(
  block: BlockOf<'openAiTranscription'>,
  store: VariableStore,
  place: EffectPlace,
): Built<OpenAiTranscriptionEffect> {
  const o = block.options;
  const rendered = renderTemplate(o.url, store).trim();
  const url = withQuery(rendered, []);
  if (url === undefined) return { ok: false, error: `"${rendered.slice(0, 200)}" is not an http(s) URL` };
  return {
    ok: true,
    effect: {
      ...place,
      kind: 'openAiTranscription',
      awaitsResult: true,
      ...(o.connectionId !== undefined ? { connectionId: o.connectionId } : {}),
      model: o.model,
      url,
      ...(o.language !== undefined ? { language: o.language } : {}),
    },
  };
}

/** OpenAI's speech endpoint takes at most 4096 characters. */
export const MAX_SPEECH_INPUT = 4_096;

/** A speech request with its text rendered. */
export function buildOpenAiSpeech(
  block: BlockOf<'openAiSpeech'>,
  store: VariableStore,
  place: EffectPlace,
): Built<OpenAiSpeechEffect> {
  const o = block.options;
  const input = renderTemplate(o.input, store).trim();
  if (input === '') return { ok: false, error: 'the text to speak is empty' };
  return {
    ok: true,
    effect: {
      ...place,
      kind: 'openAiSpeech',
      awaitsResult: true,
      ...(o.connectionId !== undefined ? { connectionId: o.connectionId } : {}),
      model: o.model,
      input: input.slice(0, MAX_SPEECH_INPUT),
      voice: o.voice,
      format: o.format,
    },
  };
}

const addresses = (templates: string[], store: VariableStore) =>
  templates
    .flatMap((t) => renderTemplate(t, store).split(/[,;]/))
    .map((a) => a.trim())
    .filter((a) => a !== '');

export function buildSendEmail(
  block: BlockOf<'sendEmail'>,
  store: VariableStore,
  place: EffectPlace,
): Built<SendEmailEffect> {
  const o = block.options;
  const to = addresses(o.to, store);
  if (to.length === 0) return { ok: false, error: 'the email has no recipient' };
  const replyTo = renderOptional(o.replyTo, store)?.trim();
  return {
    ok: true,
    effect: {
      ...place,
      kind: 'sendEmail',
      awaitsResult: false,
      to,
      cc: addresses(o.cc, store),
      bcc: addresses(o.bcc, store),
      ...(replyTo ? { replyTo } : {}),
      subject: renderTemplate(o.subject, store),
      body: renderTemplate(o.body, store),
      format: o.format,
    },
  };
}

/** The contact fields to set, their templates resolved (a single `{{variable}}` keeps its type). */
export function buildUpdateContact(
  block: BlockOf<'updateContact'>,
  store: VariableStore,
  place: EffectPlace,
): Built<UpdateContactEffect> {
  const fields = block.options.fields;
  if (fields.length === 0) return { ok: false, error: 'no contact field to set' };
  const missingKey = fields.find((f) => f.field === 'attribute' && !f.attributeKey?.trim());
  if (missingKey) return { ok: false, error: 'an attribute field names no attribute key' };
  return {
    ok: true,
    effect: {
      ...place,
      kind: 'updateContact',
      awaitsResult: true,
      fields: fields.map((f) => ({
        field: f.field,
        ...(f.field === 'attribute' && f.attributeKey ? { attributeKey: f.attributeKey.trim() } : {}),
        value: resolveTemplateValue(f.value, store),
      })),
    },
  };
}
