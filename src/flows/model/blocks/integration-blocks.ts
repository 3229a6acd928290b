import { z } from 'zod';
import { idSchema, keyValueSchema, optionalIdSchema, templateSchema } from '../primitives';
import { defineBlock, options } from './define-block';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** `path` is evaluated by the safe expression evaluator against `{ statusCode, data }`. */
export const responseMappingSchema = z.strictObject({ path: z.string().max(1_000), variableId: idSchema });

/**
 * An outbound HTTP call, carried out as an effect. URL, header and query values and `body` are
 * templates (inside a JSON body, strings are inserted JSON-escaped). With `sendAllVariables` and
 * no `body`, the body is a JSON object of the session's variables. Network errors, 429 and 5xx are
 * retried `retries` times with backoff; a final error status is logged and the flow continues.
 * With `connectionId`, the connection's auth is applied (its headers replace the block's own).
 */
export const httpRequestBlockSchema = defineBlock(
  'httpRequest',
  options({
    method: z.enum(HTTP_METHODS).default('POST'),
    url: templateSchema.default(''),
    headers: z.array(keyValueSchema).default([]),
    query: z.array(keyValueSchema).default([]),
    body: templateSchema.optional(),
    sendAllVariables: z.boolean().default(false),
    responseMapping: z.array(responseMappingSchema).default([]),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    retries: z.number().int().min(0).max(5).default(0),
    /** An organization's connection (api_key, bearer, basic, oauth2) whose auth the request carries. */
    connectionId: optionalIdSchema,
  }),
);

/** A chat message, or the whole content of a list variable read as alternating turns. */
export const openAiMessageSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: templateSchema }),
  z.strictObject({
    role: z.literal('dialogue'),
    variableId: idSchema,
    startsBy: z.enum(['user', 'assistant']).default('user'),
  }),
]);

export const OPENAI_RESPONSE_VALUES = ['messageContent', 'totalTokens', 'promptTokens', 'completionTokens'] as const;

/** A chat completion through the organization's OpenAI connection (`connectionId`, else the default one). */
export const openAiChatBlockSchema = defineBlock(
  'openAiChat',
  options({
    connectionId: optionalIdSchema,
    model: z.string().min(1).max(200).default('gpt-4o-mini'),
    messages: z.array(openAiMessageSchema).default([]),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).max(1_000_000).optional(),
    responseMapping: z
      .array(z.strictObject({ value: z.enum(OPENAI_RESPONSE_VALUES).default('messageContent'), variableId: idSchema }))
      .default([]),
  }),
);

/**
 * Speech to text: the audio at `url` (a template, e.g. a file input's variable) is downloaded
 * (under the outbound address policy, up to 25 MB) and transcribed; the text is saved in
 * `variableId`. Through the organization's OpenAI connection (`connectionId`, else the default one).
 */
export const openAiTranscriptionBlockSchema = defineBlock(
  'openAiTranscription',
  options({
    connectionId: optionalIdSchema,
    model: z.string().min(1).max(200).default('whisper-1'),
    url: templateSchema.default(''),
    /** ISO-639-1 code of the spoken language, e.g. `fr` (better accuracy); empty: detected. */
    language: z
      .string()
      .regex(/^[a-z]{2}$/)
      .optional(),
    variableId: optionalIdSchema,
  }),
);

export const OPENAI_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'fable',
  'nova',
  'onyx',
  'sage',
  'shimmer',
  'verse',
] as const;
export const OPENAI_SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav'] as const;

/**
 * Text to speech: `input` (a template) is spoken by `voice`; the audio is stored (the
 * installation's file storage) and sent to the visitor as an audio bubble with a short-lived
 * signed link (`sendAudio`), and/or that link is saved in `urlVariableId`.
 */
export const openAiSpeechBlockSchema = defineBlock(
  'openAiSpeech',
  options({
    connectionId: optionalIdSchema,
    model: z.string().min(1).max(200).default('tts-1'),
    input: templateSchema.default(''),
    voice: z.enum(OPENAI_VOICES).default('alloy'),
    format: z.enum(OPENAI_SPEECH_FORMATS).default('mp3'),
    sendAudio: z.boolean().default(true),
    autoplay: z.boolean().default(false),
    urlVariableId: optionalIdSchema,
  }),
);

/** Sent through the installation's mail transport. Every field is a template. */
export const sendEmailBlockSchema = defineBlock(
  'sendEmail',
  options({
    to: z.array(templateSchema).default([]),
    cc: z.array(templateSchema).default([]),
    bcc: z.array(templateSchema).default([]),
    replyTo: templateSchema.optional(),
    subject: templateSchema.default(''),
    body: templateSchema.default(''),
    format: z.enum(['text', 'html']).default('text'),
  }),
);

/** What an `updateContact` block may set on the session's contact. */
export const CONTACT_FIELDS = ['name', 'email', 'phone', 'lifecycleStage', 'leadScore', 'attribute'] as const;

/** One field: `value` is a template (a single `{{variable}}` keeps the variable's raw value). */
export const contactFieldUpdateSchema = z.strictObject({
  field: z.enum(CONTACT_FIELDS),
  /** The attribute definition's key, for `field: 'attribute'`. */
  attributeKey: z.string().min(1).max(100).optional(),
  value: templateSchema.default(''),
});

/**
 * Sets fields of the session's contact (carried out by the service, not in previews). Without a
 * contact yet, the email or phone given matches the organization's contact (one per email and per
 * phone), else makes one, and links it to the session and its conversation. An invalid value
 * (a bad phone or email, an unknown attribute, a wrong type) logs an error step; the flow goes on.
 * Afterwards `{{contact.<field>}}` reads the new values.
 */
export const updateContactBlockSchema = defineBlock(
  'updateContact',
  options({ fields: z.array(contactFieldUpdateSchema).max(50).default([]) }),
);

export type ContactField = (typeof CONTACT_FIELDS)[number];
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type OpenAiResponseValue = (typeof OPENAI_RESPONSE_VALUES)[number];
export type OpenAiVoice = (typeof OPENAI_VOICES)[number];
export type OpenAiSpeechFormat = (typeof OPENAI_SPEECH_FORMATS)[number];
export type OpenAiMessageInput = z.input<typeof openAiMessageSchema>;
