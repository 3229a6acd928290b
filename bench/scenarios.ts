import type { Options, Request } from 'autocannon';

/** autocannon's per-connection context (a plain object it keeps for each connection). */
type ConnectionContext = { id?: number; session?: { sessionId: string; sessionToken: string } };

/**
 * A benchmark scenario: the same load against the app and against a bare-Fastify baseline that
 * does the minimum the app's route must do (see bare-server.ts). Later features add scenarios here.
 */
export interface Scenario<C = unknown> {
  readonly name: string;
  /** Optional setup against the running app (create a bot, sessions...); its result feeds `target.options`. */
  readonly prepare?: (appUrl: string, connections: number) => Promise<C>;
  readonly baseline: { readonly path: string; readonly options?: Partial<Options> };
  readonly target: { readonly path: string; readonly options?: (context: C) => Partial<Options> };
}

interface ChatContext {
  sessions: readonly VisitorSession[];
}

export const json = async (url: string, init: RequestInit & { body?: string }): Promise<Record<string, unknown>> => {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};

/** A bot that asks for text forever: each answer is one turn that waits for input again. */
export const loopFlow = {
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [{ id: 'v', name: 'answer', saveInResults: true }],
  groups: [
    {
      id: 'ask',
      blocks: [
        { id: 'echo', type: 'text', options: { text: 'You said: {{answer}}' } },
        { id: 'in', type: 'textInput', options: { variableId: 'v' } },
      ],
    },
  ],
  edges: [
    { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'ask' } },
    { id: 'e1', from: { blockId: 'in' }, to: { groupId: 'ask' } },
  ],
};

export interface VisitorSession {
  readonly sessionId: string;
  readonly sessionToken: string;
}

/** Registers an account, creates a chatbot with the text-input loop flow and publishes it: its public id. */
export async function createPublishedLoopBot(appUrl: string): Promise<string> {
  const account = await json(`${appUrl}/api/v1/auth/register`, {
    method: 'POST',
    body: JSON.stringify({
      email: `bench.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`,
      password: 'correct horse battery staple',
      name: 'Bench',
      organizationName: 'Bench',
    }),
  });
  const auth = { authorization: `Bearer ${String(account.accessToken)}` };
  const bot = await json(`${appUrl}/api/v1/chatbots`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: 'bench', flow: loopFlow }),
  });
  await json(`${appUrl}/api/v1/chatbots/${String(bot.id)}/publish`, { method: 'POST', headers: auth, body: '{}' });
  return String(bot.publicId);
}

/** Starts `count` sessions of a published bot over REST, `parallel` requests in flight at a time. */
export async function startSessions(
  appUrl: string,
  publicId: string,
  count: number,
  parallel = 32,
): Promise<VisitorSession[]> {
  const sessions: VisitorSession[] = new Array<VisitorSession>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const s = await json(`${appUrl}/api/v1/bots/${publicId}/sessions`, { method: 'POST', body: '{}' });
      sessions[i] = { sessionId: String(s.sessionId), sessionToken: String(s.sessionToken) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return sessions;
}

const continueChat: Scenario<ChatContext> = {
  name: 'continue-chat (text input loop)',
  async prepare(appUrl, connections) {
    const publicId = await createPublishedLoopBot(appUrl);
    return { sessions: await startSessions(appUrl, publicId, connections) };
  },
  // One UPDATE of a row per request: the least a stateful chat turn must write.
  baseline: {
    path: '/update',
    options: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (req: Request, context: object) => {
            const connection = context as ConnectionContext;
            connection.id ??= Math.floor(Math.random() * 1000);
            return { ...req, body: JSON.stringify({ id: connection.id, text: 'hello' }) };
          },
        },
      ],
    },
  },
  target: {
    path: '/api/v1/sessions/placeholder/messages',
    options: ({ sessions }): Partial<Options> => {
      let next = 0;
      let message = 0;
      return {
        method: 'POST',
        requests: [
          {
            // Each connection is one visitor with its own session, answering in a loop.
            setupRequest: (req: Request, context: object) => {
              const connection = context as ConnectionContext;
              connection.session ??= sessions[next++ % sessions.length];
              const session = connection.session!;
              return {
                ...req,
                path: `/api/v1/sessions/${session.sessionId}/messages`,
                headers: { 'content-type': 'application/json', authorization: `Bearer ${session.sessionToken}` },
                body: JSON.stringify({ clientMessageId: `b${message++}`, text: 'hello' }),
              };
            },
          },
        ],
      };
    },
  },
};

export const scenarios: readonly Scenario<never>[] = [
  {
    name: 'GET /health/live',
    baseline: { path: '/hello' },
    target: { path: '/health/live' },
  },
  continueChat as unknown as Scenario<never>,
];
