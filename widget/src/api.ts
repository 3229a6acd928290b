import {
  asMessageView,
  asSessionView,
  asStartedSession,
  asTurn,
  isObject,
  problemMessage,
  type MessageView,
  type Reply,
  type SessionView,
  type StartedSession,
  type Turn,
} from './protocol';

/** An error answer of the API (problem+json), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const NETWORK_MESSAGE = 'The chat could not be reached. Check your connection and try again.';

/** The visitor chat REST API of one Parley server. */
export class ChatApi {
  constructor(private readonly base: string) {}

  private async call(method: string, path: string, token?: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        mode: 'cors',
      });
    } catch {
      throw new ApiError(0, undefined, NETWORK_MESSAGE);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const code = isObject(parsed) && typeof parsed.code === 'string' ? parsed.code : undefined;
      throw new ApiError(response.status, code, problemMessage(parsed, `The chat answered ${response.status}.`));
    }
    return parsed;
  }

  async start(publicId: string): Promise<StartedSession> {
    const started = asStartedSession(
      await this.call('POST', `/api/v1/bots/${encodeURIComponent(publicId)}/sessions`, undefined, {}),
    );
    if (!started) throw new ApiError(0, undefined, 'The chat sent an answer the widget does not understand.');
    return started;
  }

  async send(sessionId: string, token: string, clientMessageId: string, reply: Reply): Promise<Turn> {
    const turn = asTurn(
      await this.call('POST', `/api/v1/sessions/${encodeURIComponent(sessionId)}/messages`, token, {
        clientMessageId,
        ...reply,
      }),
    );
    if (!turn) throw new ApiError(0, undefined, 'The chat sent an answer the widget does not understand.');
    return turn;
  }

  /** The conversation's messages after `after` (all without it): what a client without the socket polls. */
  async history(sessionId: string, token: string, after: string | undefined): Promise<MessageView[]> {
    const query = after ? `?after=${encodeURIComponent(after)}` : '';
    const answer = await this.call('GET', `/api/v1/sessions/${encodeURIComponent(sessionId)}/messages${query}`, token);
    if (!Array.isArray(answer))
      throw new ApiError(0, undefined, 'The chat sent an answer the widget does not understand.');
    return answer.map(asMessageView).filter((m): m is MessageView => m !== undefined);
  }

  async resume(sessionId: string, token: string): Promise<SessionView> {
    const view = asSessionView(await this.call('GET', `/api/v1/sessions/${encodeURIComponent(sessionId)}`, token));
    if (!view) throw new ApiError(0, undefined, 'The chat sent an answer the widget does not understand.');
    return view;
  }
}
