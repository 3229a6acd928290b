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
 * (multipart) and `GET /v1/models`. Answers come from queues of scripted replies, then from a
 * function of the request; every request is recorded, failures and hangs can be scripted.
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
/** A transcription reply: the text, or a failure. */
export type TranscriptionReply = string | FakeFailure;

export interface FakeOpenAiOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  readonly apiKey?: string;
}

const isFailure = (reply: ChatReply | TranscriptionReply): reply is FakeFailure =>
  typeof reply === 'object' && 'fail' in reply;

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
  /** Answers chat requests once the queue is empty. Default: `echo: <last user message>`. */
  chatResponder: (request: RecordedChatRequest) => ChatReply = (r) => `echo: ${lastUserText(r.body)}`;
  /** Answers transcription requests once the queue is empty. */
  transcriptionResponder: (request: RecordedTranscriptionRequest) => TranscriptionReply = () => 'transcribed audio';

  private server: Server | undefined;
  private readonly chatQueue: ChatReply[] = [];
  private readonly transcriptionQueue: TranscriptionReply[] = [];

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

  /** Forgets recorded requests and queued replies; restores the default responders. */
  reset(): void {
    this.chatRequests.length = 0;
    this.transcriptionRequests.length = 0;
    this.chatQueue.length = 0;
    this.transcriptionQueue.length = 0;
    this.chatResponder = (r) => `echo: ${lastUserText(r.body)}`;
    this.transcriptionResponder = () => 'transcribed audio';
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
    const known = ['POST /v1/chat/completions', 'POST /v1/audio/transcriptions', 'GET /v1/models'];
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
      this.json(res, 200, { text: reply });
      return;
    }
    if (!this.authorized(res, authorization)) return;
    this.json(res, 200, {
      object: 'list',
      data: [{ id: 'gpt-4o-mini', object: 'model', created: 1_700_000_000, owned_by: 'fake' }],
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
