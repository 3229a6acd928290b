import {
  HTTP_METHODS,
  type HttpMethod,
  type OpenAiMessageInput,
  type OpenAiResponseValue,
} from '../model/blocks/integration-blocks';
import { CannotMap, type BlockMapContext, type BlockMapper } from './block-mapping';
import { boolean, compact, number, record, records, string, strings, text, type RawRecord } from './source-readers';
import type { TypebotBlock } from './typebot-source';

const options = (block: TypebotBlock): RawRecord => block.options ?? {};

const keyValues = (source: RawRecord, key: string) =>
  records(source, key).flatMap((kv) => {
    const name = text(kv, 'key');
    return name === undefined ? [] : [{ key: name, value: string(kv, 'value') ?? '' }];
  });

/** A path Parley's evaluator reads as a property path (`data.items[0].id`). */
const SIMPLE_PATH = /^[\w$]+(\.[\w$]+|\[\d+\])*$/;

function responseMapping(o: RawRecord, ctx: BlockMapContext) {
  return records(o, 'responseVariableMapping').flatMap((m) => {
    const variableId = text(m, 'variableId');
    const path = string(m, 'bodyPath') ?? '';
    if (variableId === undefined) {
      ctx.warn(`the response mapping of "${path}" has no variable and was dropped`);
      return [];
    }
    if (!SIMPLE_PATH.test(path))
      ctx.warn(`response path "${path}" is a JavaScript expression; check that it still evaluates`);
    return [{ path, variableId }];
  });
}

/** Typebot sends the collected answers when the body is not custom, empty, or `{{state}}`. */
function requestBody(o: RawRecord, webhook: RawRecord): { body?: string; sendAllVariables: boolean } {
  const body = text(webhook, 'body');
  const custom = boolean(o, 'isCustomBody') === true && body !== undefined && body.trim() !== '{{state}}';
  return custom ? { body, sendAllVariables: false } : { sendAllVariables: true };
}

function httpMethod(webhook: RawRecord, ctx: BlockMapContext): HttpMethod | undefined {
  const raw = text(webhook, 'method')?.toUpperCase();
  const method = HTTP_METHODS.find((m) => m === raw);
  if (raw !== undefined && method === undefined) ctx.warn(`HTTP method "${raw}" is not supported; POST is used`);
  return method;
}

/**
 * `Webhook` (and Zapier, Make.com, Pabbly, which share its shape) with the request inline
 * (v4+). A v3 block holding only `webhookId` kept its request outside the export.
 */
export const mapHttpRequest: BlockMapper = (block, ctx) => {
  const o = options(block);
  const webhookId = string(block, 'webhookId');
  if (!('webhook' in o) && webhookId !== undefined) {
    throw new CannotMap(`its URL, method and body were stored outside the export (Typebot webhook ${webhookId})`);
  }
  const webhook = record(o, 'webhook');
  if (boolean(o, 'isExecutedOnClient') === true) ctx.warn('Parley sends the request from the server, not the browser');
  const timeoutSeconds = number(o, 'timeout');
  return {
    id: block.id,
    type: 'httpRequest',
    options: compact({
      method: httpMethod(webhook, ctx),
      url: string(webhook, 'url') ?? '',
      headers: keyValues(webhook, 'headers'),
      query: keyValues(webhook, 'queryParams'),
      ...requestBody(o, webhook),
      responseMapping: responseMapping(o, ctx),
      timeoutMs: timeoutSeconds === undefined ? undefined : Math.round(timeoutSeconds * 1000),
    }),
  };
};

/** Typebot's default email body lists the answers; Parley writes that list as a template. */
const answersTemplate = (ctx: BlockMapContext): string =>
  ctx.variables.map((v) => `${v.name}: {{${v.name}}}`).join('\n');

export const mapEmail: BlockMapper = (block, ctx) => {
  const o = options(block);
  if (text(o, 'credentialsId') !== undefined) ctx.warn("the email is sent through Parley's mail transport");
  if (text(o, 'attachmentsVariableId') !== undefined) ctx.warn('attachments are not supported and were dropped');
  const custom = boolean(o, 'isCustomBody') === true;
  return {
    id: block.id,
    type: 'sendEmail',
    options: compact({
      to: strings(o, 'recipients'),
      cc: strings(o, 'cc'),
      bcc: strings(o, 'bcc'),
      replyTo: text(o, 'replyTo'),
      subject: string(o, 'subject') ?? '',
      body: custom ? (string(o, 'body') ?? '') : answersTemplate(ctx),
      format: custom && boolean(o, 'isBodyCode') === true ? ('html' as const) : undefined,
    }),
  };
};

function openAiMessage(m: RawRecord): OpenAiMessageInput {
  const role = string(m, 'role');
  if (role === 'system' || role === 'user' || role === 'assistant')
    return { role, content: string(m, 'content') ?? '' };
  if (role === 'Dialogue') {
    const variableId = text(m, 'dialogueVariableId');
    if (variableId === undefined) throw new CannotMap('a "Dialogue" message has no variable');
    return { role: 'dialogue', variableId, startsBy: string(m, 'startsBy') === 'assistant' ? 'assistant' : 'user' };
  }
  throw new CannotMap(`"${role ?? 'unknown'}" messages are not supported`);
}

const RESPONSE_VALUES: Record<string, OpenAiResponseValue> = {
  'Message content': 'messageContent',
  'Total tokens': 'totalTokens',
  'Prompt tokens': 'promptTokens',
  'Completion tokens': 'completionTokens',
};

/** `valueKey` is `valueToExtract` on the legacy block and `item` on the forged one. */
function openAiResponseMapping(o: RawRecord, valueKey: string) {
  return records(o, 'responseMapping').flatMap((m) => {
    const variableId = text(m, 'variableId');
    const name = string(m, valueKey) ?? 'Message content';
    const value = RESPONSE_VALUES[name];
    if (value === undefined) throw new CannotMap(`mapping "${name}" from the response is not supported`);
    return variableId === undefined ? [] : [{ value, variableId }];
  });
}

function openAiChat(block: TypebotBlock, ctx: BlockMapContext, valueKey: string, temperature: unknown) {
  const o = options(block);
  if (records(o, 'tools').length > 0) throw new CannotMap('uses tools (custom JavaScript functions)');
  if (text(o, 'credentialsId') !== undefined)
    ctx.warn('set up an OpenAI connection in Parley: Typebot credentials do not carry over');
  if (text(o, 'baseUrl') !== undefined)
    ctx.warn(`the custom base URL "${string(o, 'baseUrl')}" belongs in the Parley connection`);
  return {
    id: block.id,
    type: 'openAiChat' as const,
    options: compact({
      model: text(o, 'model'),
      messages: records(o, 'messages').map(openAiMessage),
      temperature: number({ temperature }, 'temperature'),
      maxTokens: number(o, 'maxTokens'),
      responseMapping: openAiResponseMapping(o, valueKey),
    }),
  };
}

/** The legacy, capitalised `OpenAI` block. */
export const mapLegacyOpenAi: BlockMapper = (block, ctx) => {
  const o = options(block);
  const task = string(o, 'task') ?? 'Create chat completion';
  if (task !== 'Create chat completion') throw new CannotMap(`the "${task}" task is not supported`);
  return openAiChat(block, ctx, 'valueToExtract', record(o, 'advancedSettings').temperature);
};

/** The forged `openai` block. */
export const mapForgedOpenAi: BlockMapper = (block, ctx) => {
  const o = options(block);
  const action = string(o, 'action') ?? 'Create chat completion';
  if (action !== 'Create chat completion') throw new CannotMap(`the "${action}" action is not supported`);
  return openAiChat(block, ctx, 'item', o.temperature);
};
