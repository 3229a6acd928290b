import {
  HTTP_METHODS,
  type HttpMethod,
  OPENAI_VOICES,
  type OpenAiMessageInput,
  type OpenAiResponseValue,
} from '../model/blocks/integration-blocks';
import type { BlockInput } from '../model/block';
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

/** Typebot credentials and base URLs live in Parley's OpenAI connections. */
function connectionWarnings(o: RawRecord, ctx: BlockMapContext): void {
  if (text(o, 'credentialsId') !== undefined)
    ctx.warn('set up an OpenAI connection in Parley: Typebot credentials do not carry over');
  if (text(o, 'baseUrl') !== undefined)
    ctx.warn(`the custom base URL "${string(o, 'baseUrl')}" belongs in the Parley connection`);
}

function openAiChat(block: TypebotBlock, ctx: BlockMapContext, valueKey: string, temperature: unknown) {
  const o = options(block);
  if (records(o, 'tools').length > 0) throw new CannotMap('uses tools (custom JavaScript functions)');
  connectionWarnings(o, ctx);
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

/** "Create speech": Typebot saves the audio's URL in a variable (and the bot plays it in an audio bubble). */
function openAiSpeech(block: TypebotBlock, ctx: BlockMapContext): BlockInput {
  const o = options(block);
  connectionWarnings(o, ctx);
  const raw = text(o, 'voice');
  const voice = OPENAI_VOICES.find((v) => v === raw);
  if (raw !== undefined && voice === undefined) ctx.warn(`voice "${raw}" is not supported; "alloy" is used`);
  if (raw === undefined) ctx.warn('no voice was chosen (Typebot skipped the block); "alloy" is used');
  const urlVariableId = text(o, 'saveUrlInVariableId');
  ctx.warn(
    urlVariableId === undefined
      ? 'the speech is sent to the visitor as an audio bubble (Typebot only saved its URL, and had no variable here)'
      : "the audio's URL is saved in the variable as in Typebot: a signed link valid for SIGNED_URL_TTL_SECONDS " +
          '(turn on sendAudio to send it as an audio bubble instead of playing the variable)',
  );
  return {
    id: block.id,
    type: 'openAiSpeech',
    options: compact({
      model: text(o, 'model'),
      input: string(o, 'input') ?? '',
      voice,
      urlVariableId,
      sendAudio: urlVariableId === undefined,
    }),
  };
}

/** "Create transcription": the audio at a URL → text in a variable. */
function openAiTranscription(block: TypebotBlock, ctx: BlockMapContext): BlockInput {
  const o = options(block);
  connectionWarnings(o, ctx);
  return {
    id: block.id,
    type: 'openAiTranscription',
    options: compact({
      model: text(o, 'model'),
      url: string(o, 'url') ?? '',
      variableId: text(o, 'transcriptionVariableId'),
    }),
  };
}

/** The `Message` item of Ask Assistant / Ask Model response mappings (the id items are not kept). */
function messageMapping(o: RawRecord, idItem: string, ctx: BlockMapContext) {
  return records(o, 'responseMapping').flatMap((m) => {
    const variableId = text(m, 'variableId');
    const item = string(m, 'item') ?? 'Message';
    if (item !== 'Message') {
      ctx.warn(`"${idItem}" is not saved: the conversation is not continued on OpenAI's side`);
      return [];
    }
    return variableId === undefined ? [] : [{ value: 'messageContent' as const, variableId }];
  });
}

/**
 * "Ask Assistant" used the Assistants API, which OpenAI retired (replaced by the Responses API):
 * it becomes a chat completion of the message. The assistant's instructions, model and tools
 * lived at OpenAI, not in the export: the report says to copy them into the block.
 */
function askAssistant(block: TypebotBlock, ctx: BlockMapContext): BlockInput {
  const o = options(block);
  connectionWarnings(o, ctx);
  const assistantId = text(o, 'assistantId');
  ctx.warn(
    `OpenAI retired the Assistants API: assistant ${assistantId ?? '(none chosen)'} now runs as a chat completion. ` +
      "Copy the assistant's instructions into a system message, and its model, into this block; " +
      'its tools (file search, code interpreter, functions) are not run',
  );
  if (text(o, 'threadVariableId') !== undefined || text(o, 'threadId') !== undefined) {
    ctx.warn('the assistant thread is not kept: add a Dialogue message to give the model the conversation so far');
  }
  if (records(o, 'functions').length > 0) ctx.warn('its functions (custom JavaScript) were dropped');
  const message = string(o, 'message') ?? '';
  return {
    id: block.id,
    type: 'openAiChat',
    options: compact({
      messages: message.trim() === '' ? [] : [{ role: 'user' as const, content: message }],
      responseMapping: messageMapping(o, 'Thread ID', ctx),
    }),
  };
}

/** "Ask Model" (Responses API): instructions and message become a chat completion with the same model. */
function askModel(block: TypebotBlock, ctx: BlockMapContext): BlockInput {
  const o = options(block);
  connectionWarnings(o, ctx);
  ctx.warn('"Ask Model" runs as a chat completion with the same model, instructions and message');
  if (text(o, 'responseIdVariableId') !== undefined) {
    ctx.warn('the Response ID is not kept: add a Dialogue message to give the model the conversation so far');
  }
  const tools = [
    ...(strings(o, 'fileSearchVectorStoreIds').length > 0 ? ['file search'] : []),
    ...(boolean(o, 'webSearchEnabled') === true ? ['web search'] : []),
    ...(boolean(o, 'codeInterpreterEnabled') === true ? ['code interpreter'] : []),
    ...(records(o, 'functions').length > 0 ? ['functions (custom JavaScript)'] : []),
  ];
  if (tools.length > 0) ctx.warn(`its tools were dropped: ${tools.join(', ')}`);
  const instructions = string(o, 'instructions') ?? '';
  const message = string(o, 'message') ?? '';
  return {
    id: block.id,
    type: 'openAiChat',
    options: compact({
      model: text(o, 'model'),
      messages: [
        ...(instructions.trim() !== '' ? [{ role: 'system' as const, content: instructions }] : []),
        ...(message.trim() !== '' ? [{ role: 'user' as const, content: message }] : []),
      ],
      temperature: number(o, 'temperature'),
      responseMapping: messageMapping(o, 'Response ID', ctx),
    }),
  };
}

/** The legacy, capitalised `OpenAI` block. */
export const mapLegacyOpenAi: BlockMapper = (block, ctx) => {
  const o = options(block);
  const task = string(o, 'task') ?? 'Create chat completion';
  if (task === 'Create speech') return openAiSpeech(block, ctx);
  if (task !== 'Create chat completion') throw new CannotMap(`the "${task}" task is not supported`);
  return openAiChat(block, ctx, 'valueToExtract', record(o, 'advancedSettings').temperature);
};

/** The forged `openai` block, by its action. */
export const mapForgedOpenAi: BlockMapper = (block, ctx) => {
  const o = options(block);
  const action = string(o, 'action') ?? 'Create chat completion';
  switch (action) {
    case 'Create chat completion':
      return openAiChat(block, ctx, 'item', o.temperature);
    case 'Create speech':
      return openAiSpeech(block, ctx);
    case 'Create transcription':
      return openAiTranscription(block, ctx);
    case 'Ask Assistant':
      return askAssistant(block, ctx);
    case 'Ask Model':
      return askModel(block, ctx);
    default:
      throw new CannotMap(`the "${action}" action is not supported`);
  }
};
