import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible server for tests: a real HTTP server on 127.0.0.1 (random port) serving
 * `POST /v1/chat/completions` (plain and `stream: true`), `POST /v1/audio/transcriptions`
 * (multipart), `POST /v1/audio/speech` (audio bytes), `POST /v1/responses` and `GET /v1/models`.
 * Answers come from queues of scripted replies, then from a function of the request; every
 * request is recorded (with the key it carried: `requests`), failures and hangs can be scripted.
 * It also serves files put with `serveFile` at `GET /files/<name>` (audio URLs to transcribe).
 *
 *   const ai = new FakeOpenAi({ apiKey: 'sk-test' });
 *   const { baseUrl } = await ai.start();           // http://127.0.0.1:<port>/v1
 *   ai.queueChat('Hello!', FakeOpenAi.fail.rateLimited(0), { content: 'Hi', usage: { promptTokens: 3 } });
 *   ...
 *   expect(ai.chatRequests[0]?.body.messages).toEqual([...]);
 *   await ai.stop();
 */

export interface ChatMessageBody {
  role: string;
  content: unknown;
  [key: string]: unknown;
}

/** A chat completion request as received (JSON body). */
export interface ChatRequestBody {
  model: string;
  messages: ChatMessageBody[];
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface RecordedChatRequest {
  readonly body: ChatRequestBody;
  readonly headers: IncomingHttpHeaders;
  /** The `Authorization` header, e.g. `Bearer sk-test`. */
  readonly authorization: string | undefined;
}

export interface RecordedTranscriptionRequest {
  /** The text fields of the form (`model`, `language`, `prompt`, `response_format`…). */
  readonly fields: Record<string, string>;
  readonly file: { name: string; type: string; size: number; bytes: Buffer } | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly authorization: string | undefined;
}

/** A JSON request to the speech or responses endpoint, as received. */
export interface RecordedJsonRequest {
  readonly body: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
  readonly authorization: string | undefined;
}

/** A speech reply: the audio bytes, or a failure. */
export type SpeechReply = Buffer | FakeFailure;
/** A Responses API reply: the output text (with optional usage), or a failure. */
export type ResponseReply =
  | string
  | { readonly text: string; readonly usage?: { readonly inputTokens: number; readonly outputTokens: number } }
  | FakeFailure;

/** A scripted failure: an error status, a request that never gets an answer, or a reset connection. */
export type FakeFailure =
  | {
      readonly fail: 'status';
      readonly status: number;
      readonly message?: string;
      readonly headers?: Record<string, string>;
    }
  | { readonly fail: 'hang' }
  | { readonly fail: 'reset' };

export interface ChatAnswer {
  readonly content: string;
  /** Reported model (default: the one asked for). */
  readonly model?: string;
  /** Token counts (default: estimated, 1 per 4 characters); `null` leaves `usage` out. */
  readonly usage?: { readonly promptTokens?: number; readonly completionTokens?: number } | null;
  readonly finishReason?: 'stop' | 'length' | 'content_filter' | 'tool_calls';
}

/** A chat reply: the assistant's text, a detailed answer, or a failure. */
export type ChatReply = string | ChatAnswer | FakeFailure;
/**
 * A transcription reply: the text (no `usage`, as older servers answer), the text with the usage
 * to report (`seconds`: Whisper's `{ type: 'duration' }`; `tokens`: gpt-4o-transcribe's
 * `{ type: 'tokens' }`), or a failure.
 */
export type TranscriptionReply =
  | string
  | {
      readonly text: string;
      readonly seconds?: number;
      readonly tokens?: { readonly input: number; readonly output: number };
    }
  | FakeFailure;

export interface FakeOpenAiOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  readonly apiKey?: string;
}

const isFailure = (reply: ChatReply | TranscriptionReply | SpeechReply | ResponseReply): reply is FakeFailure =>
  typeof reply === 'object' && !Buffer.isBuffer(reply) && 'fail' in reply;

/** Bytes that start like an MP3 file (an ID3 tag), with the text spoken, so tests can tell answers apart. */
export const fakeMp3 = (text: string): Buffer => Buffer.concat([Buffer.from('ID3\x04\x00\x00'), Buffer.from(text)]);

/** The `input` of a speech or responses request, as text. */
const inputText = (body: Record<string, unknown>): string =>
  typeof body.input === 'string' ? body.input : JSON.stringify(body.input ?? '');

const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function lastUserText(body: ChatRequestBody): string {
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
}

export class FakeOpenAi {
  /** Builders of scripted failures. */
  static readonly fail = {
    status: (status: number, message = `fake error ${status}`, headers: Record<string, string> = {}): FakeFailure => ({
      fail: 'status',
      status,
      message,
      headers,
    }),
    /** 429 with `Retry-After` (seconds); `retryAfterMs` adds OpenAI's `retry-after-ms`. */
    rateLimited: (retryAfterSeconds = 0, retryAfterMs?: number): FakeFailure => ({
      fail: 'status',
      status: 429,
      message: 'Rate limit reached',
      headers: {
        'retry-after': String(retryAfterSeconds),
        ...(retryAfterMs !== undefined ? { 'retry-after-ms': String(retryAfterMs) } : {}),
      },
    }),
    hang: (): FakeFailure => ({ fail: 'hang' }),
    reset: (): FakeFailure => ({ fail: 'reset' }),
  };

  readonly chatRequests: RecordedChatRequest[] = [];
  readonly transcriptionRequests: RecordedTranscriptionRequest[] = [];
  readonly speechRequests: RecordedJsonRequest[] = [];
  readonly responseRequests: RecordedJsonRequest[] = [];
  /** Every request (API routes and files), in order, with the `Authorization` it carried. */
  readonly requests: { route: string; authorization: string | undefined }[] = [];
  /** Answers chat requests once the queue is empty. Default: `echo: <last user message>`. */
  chatResponder: (request: RecordedChatRequest) => ChatReply = (r) => `echo: ${lastUserText(r.body)}`;
  /** Answers transcription requests once the queue is empty. */
  transcriptionResponder: (request: RecordedTranscriptionRequest) => TranscriptionReply = () => 'transcribed audio';
  /** Answers speech requests once the queue is empty. Default: `fakeMp3(<input>)`. */
  speechResponder: (request: RecordedJsonRequest) => SpeechReply = (r) => fakeMp3(inputText(r.body));
  /** Answers Responses API requests once the queue is empty. Default: `echo: <input>`. */
  responseResponder: (request: RecordedJsonRequest) => ResponseReply = (r) => `echo: ${inputText(r.body)}`;

  private server: Server | undefined;
  private readonly chatQueue: ChatReply[] = [];
  private readonly transcriptionQueue: TranscriptionReply[] = [];
  private readonly speechQueue: SpeechReply[] = [];
  private readonly responseQueue: ResponseReply[] = [];
  private readonly files = new Map<string, { bytes: Buffer; contentType: string }>();

  constructor(private readonly options: FakeOpenAiOptions = {}) {}

  /** Replies for the next chat requests, in order (failures included). */
  queueChat(...replies: ChatReply[]): this {
    this.chatQueue.push(...replies);
    return this;
  }

  queueTranscription(...replies: TranscriptionReply[]): this {
    this.transcriptionQueue.push(...replies);
    return this;
  }

  queueSpeech(...replies: SpeechReply[]): this {
    this.speechQueue.push(...replies);
    return this;
  }

  queueResponse(...replies: ResponseReply[]): this {
    this.responseQueue.push(...replies);
    return this;
  }

  /** Serves `bytes` at `GET /files/<name>` (no key needed); returns its URL. */
  serveFile(name: string, bytes: Buffer, contentType: string): string {
    this.files.set(name, { bytes, contentType });
    if (!this.server) throw new Error('FakeOpenAi is not started');
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/files/${encodeURIComponent(name)}`;
  }

  /** Forgets recorded requests, queued replies and served files; restores the default responders. */
  reset(): void {
    this.chatRequests.length = 0;
    this.transcriptionRequests.length = 0;
    this.speechRequests.length = 0;
    this.responseRequests.length = 0;
    this.requests.length = 0;
    this.chatQueue.length = 0;
    this.transcriptionQueue.length = 0;
    this.speechQueue.length = 0;
    this.responseQueue.length = 0;
    this.files.clear();
    this.chatResponder = (r) => `echo: ${lastUserText(r.body)}`;
    this.transcriptionResponder = () => 'transcribed audio';
    this.speechResponder = (r) => fakeMp3(inputText(r.body));
    this.responseResponder = (r) => `echo: ${inputText(r.body)}`;
  }

  async start(): Promise<{ baseUrl: string; url: string; port: number }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.error(res, 500, String(err), 'server_error');
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    return { baseUrl: `${url}/v1`, url, port };
  }

  /** Closes the server and every connection, hanging ones included. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname.replace(/\/+$/, '');
    const authorization = req.headers.authorization;
    const route = `${req.method ?? 'GET'} ${path}`;
    this.requests.push({ route, authorization });
    if (req.method === 'GET' && path.startsWith('/files/')) {
      const file = this.files.get(decodeURIComponent(path.slice('/files/'.length)));
      if (!file) {
        this.error(res, 404, 'no such file', 'invalid_request_error');
        return;
      }
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.length) });
      res.end(file.bytes);
      return;
    }
    const known = [
      'POST /v1/chat/completions',
      'POST /v1/audio/transcriptions',
      'POST /v1/audio/speech',
      'POST /v1/responses',
      'GET /v1/models',
    ];
    if (!known.includes(route)) {
      this.error(res, 404, `Unknown request URL: ${route}`, 'invalid_request_error', 'unknown_url');
      return;
    }
    if (route === 'POST /v1/chat/completions') {
      let parsed: ChatRequestBody;
      try {
        parsed = JSON.parse(body.toString('utf8')) as ChatRequestBody;
      } catch {
        this.error(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
        return;
      }
      const recorded: RecordedChatRequest = { body: parsed, headers: req.headers, authorization };
      this.chatRequests.push(recorded);
      if (!this.authorized(res, authorization)) return;
      if (typeof parsed.model !== 'string' || !Array.isArray(parsed.messages)) {
        this.error(res, 400, "'model' and 'messages' are required", 'invalid_request_error');
        return;
      }
      this.answerChat(res, recorded, this.chatQueue.shift() ?? this.chatResponder(recorded));
      return;
    }
    if (route === 'POST /v1/audio/transcriptions') {
      const recorded = await parseTranscription(req, body, authorization);
      if (!recorded) {
        this.error(res, 400, 'Could not parse multipart form', 'invalid_request_error');
        return;
      }
      this.transcriptionRequests.push(recorded);
      if (!this.authorized(res, authorization)) return;
      const reply = this.transcriptionQueue.shift() ?? this.transcriptionResponder(recorded);
      if (isFailure(reply)) {
        this.failWith(res, reply);
        return;
      }
      this.json(res, 200, transcriptionBody(reply));
      return;
    }
    if (route === 'POST /v1/audio/speech' || route === 'POST /v1/responses') {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        this.error(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
        return;
      }
      const recorded: RecordedJsonRequest = { body: parsed, headers: req.headers, authorization };
      if (route === 'POST /v1/audio/speech') {
        this.speechRequests.push(recorded);
        if (!this.authorized(res, authorization)) return;
        const reply = this.speechQueue.shift() ?? this.speechResponder(recorded);
        if (isFailure(reply)) return this.failWith(res, reply);
        const format = typeof parsed.response_format === 'string' ? parsed.response_format : 'mp3';
        const types: Record<string, string> = { mp3: 'audio/mpeg', opus: 'audio/ogg', wav: 'audio/wav' };
        res.writeHead(200, { 'content-type': types[format] ?? 'application/octet-stream' });
        res.end(reply);
        return;
      }
      this.responseRequests.push(recorded);
      if (!this.authorized(res, authorization)) return;
      const reply = this.responseQueue.shift() ?? this.responseResponder(recorded);
      if (isFailure(reply)) return this.failWith(res, reply);
      this.answerResponse(res, parsed, typeof reply === 'string' ? { text: reply } : reply);
      return;
    }
    if (!this.authorized(res, authorization)) return;
    this.json(res, 200, {
      object: 'list',
      data: ['gpt-4o-mini', 'whisper-1', 'tts-1'].map((id) => ({
        id,
        object: 'model',
        created: 1_700_000_000,
        owned_by: 'fake',
      })),
    });
  }

  private authorized(res: ServerResponse, authorization: string | undefined): boolean {
    if (this.options.apiKey === undefined || authorization === `Bearer ${this.options.apiKey}`) return true;
    this.error(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    return false;
  }

  private answerChat(res: ServerResponse, request: RecordedChatRequest, reply: ChatReply): void {
    if (isFailure(reply)) {
      this.failWith(res, reply);
      return;
    }
    const answer: ChatAnswer = typeof reply === 'string' ? { content: reply } : reply;
    const model = answer.model ?? request.body.model;
    const promptText = request.body.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
    const promptTokens = answer.usage?.promptTokens ?? estimateTokens(promptText);
    const completionTokens = answer.usage?.completionTokens ?? estimateTokens(answer.content);
    const usage =
      answer.usage === null
        ? undefined
        : {
            prompt_tokens: promptTokens,
            completion_tokens: completionTokens,
            total_tokens: promptTokens + completionTokens,
            prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
            completion_tokens_details: {
              reasoning_tokens: 0,
              audio_tokens: 0,
              accepted_prediction_tokens: 0,
              rejected_prediction_tokens: 0,
            },
          };
    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    const created = Math.floor(Date.now() / 1000);
    const finishReason = answer.finishReason ?? 'stop';
    if (request.body.stream) {
      const chunk = (delta: object, finish: string | null, extra: object = {}) => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        system_fingerprint: 'fp_fake',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...extra,
      });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (data: object) => res.write(`data: ${JSON.stringify(data)}\n\n`);
      send(chunk({ role: 'assistant', content: '', refusal: null }, null));
      for (const piece of answer.content.match(/\S+\s*|\s+/g) ?? []) send(chunk({ content: piece }, null));
      send(chunk({}, finishReason));
      if (request.body.stream_options?.include_usage && usage) send({ ...chunk({}, null), choices: [], usage });
      res.end('data: [DONE]\n\n');
      return;
    }
    this.json(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: answer.content, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      ...(usage ? { usage } : {}),
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    });
  }

  private answerResponse(
    res: ServerResponse,
    body: Record<string, unknown>,
    answer: { text: string; usage?: { inputTokens: number; outputTokens: number } },
  ): void {
    const input = typeof body.input === 'string' ? body.input : JSON.stringify(body.input ?? '');
    const inputTokens = answer.usage?.inputTokens ?? estimateTokens(input);
    const outputTokens = answer.usage?.outputTokens ?? estimateTokens(answer.text);
    const id = `resp_${randomUUID().replace(/-/g, '')}`;
    this.json(res, 200, {
      id,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status: 'completed',
      model: typeof body.model === 'string' ? body.model : 'gpt-4o-mini',
      previous_response_id: body.previous_response_id ?? null,
      instructions: body.instructions ?? null,
      output: [
        {
          type: 'message',
          id: `msg_${randomUUID().replace(/-/g, '')}`,
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: answer.text, annotations: [] }],
        },
      ],
      usage: {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
    });
  }

  private failWith(res: ServerResponse, failure: FakeFailure): void {
    switch (failure.fail) {
      case 'hang':
        return; // never answered; stop() closes the connection
      case 'reset':
        res.socket?.destroy();
        return;
      case 'status': {
        const type =
          failure.status === 429 ? 'requests' : failure.status >= 500 ? 'server_error' : 'invalid_request_error';
        this.error(res, failure.status, failure.message ?? `fake error ${failure.status}`, type, null, failure.headers);
        return;
      }
    }
  }

  private error(
    res: ServerResponse,
    status: number,
    message: string,
    type: string,
    code: string | null = null,
    headers: Record<string, string> = {},
  ): void {
    this.json(res, status, { error: { message, type, param: null, code } }, headers);
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${randomUUID()}`, ...headers });
    res.end(JSON.stringify(body));
  }
}

function transcriptionBody(reply: Exclude<TranscriptionReply, FakeFailure>): Record<string, unknown> {
  if (typeof reply === 'string') return { text: reply };
  if (reply.tokens) {
    const { input, output } = reply.tokens;
    return {
      text: reply.text,
      usage: { type: 'tokens', input_tokens: input, output_tokens: output, total_tokens: input + output },
    };
  }
  return reply.seconds === undefined
    ? { text: reply.text }
    : { text: reply.text, usage: { type: 'duration', seconds: reply.seconds } };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses the multipart form with the platform's `Request` (undici's multipart parser). */
async function parseTranscription(
  req: IncomingMessage,
  body: Buffer,
  authorization: string | undefined,
): Promise<RecordedTranscriptionRequest | undefined> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) return undefined;
  let form: FormData;
  try {
    form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch {
    return undefined;
  }
  const fields: Record<string, string> = {};
  let file: RecordedTranscriptionRequest['file'];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value;
    else if (name === 'file') {
      const bytes = Buffer.from(await value.arrayBuffer());
      file = { name: value.name, type: value.type, size: bytes.length, bytes };
    }
  }
  return { fields, file, headers: req.headers, authorization };
}
