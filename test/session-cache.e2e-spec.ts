import { publishChatbot } from './support/chatbots';
import { HttpTarget } from './support/http-target';
import { register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';
import { databaseUrl } from './support/test-env';

interface Turn {
  sessionId: string;
  sessionToken: string;
  status: string;
  messages: { type: string; markdown?: string }[];
}

const texts = (turn: Turn) => turn.messages.filter((m) => m.type === 'text').map((m) => m.markdown);

/** Each answer is echoed with every answer so far: a lost or stale turn shows in the very next answer. */
const echoFlow = {
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [
    { id: 'v', name: 'answer' },
    { id: 'all', name: 'all' },
  ],
  groups: [
    {
      id: 'ask',
      blocks: [
        { id: 'in', type: 'textInput', options: { variableId: 'v' } },
        {
          id: 'add',
          type: 'setVariable',
          options: { variableId: 'all', operation: { kind: 'append', expression: '{{answer}}' } },
        },
        { id: 'echo', type: 'text', options: { text: 'so far: {{all}}' } },
      ],
    },
  ],
  edges: [
    { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'ask' } },
    { id: 'e1', from: { blockId: 'echo' }, to: { groupId: 'ask' } },
  ],
};

/**
 * Two API processes (two apps on one database and one Redis) each keep session rows in memory
 * between turns. A visitor whose turns alternate between them must lose nothing: each process's
 * copy goes stale at every other turn, and only costs it a failed conditional save and a re-read.
 */
describe('the in-process session cache across two processes', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: Account;
  let publicId: string;

  beforeAll(async () => {
    a = await startTestApp({ HTTP_EFFECTS_ALLOW_PRIVATE_NETWORKS: 'true' });
    b = await startTestApp({
      DATABASE_URL: databaseUrl(a.databaseName),
      REDIS_KEY_PREFIX: a.config.redis.keyPrefix,
      HTTP_EFFECTS_ALLOW_PRIVATE_NETWORKS: 'true',
    });
    admin = await register(a);
    publicId = (await publishChatbot(a, admin, { name: 'echo', flow: echoFlow })).publicId;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('loses no turn when the turns of one session alternate between processes', async () => {
    const started = (await a.request<Turn>('POST', `/api/v1/bots/${publicId}/sessions`, { body: {} })).body;
    const expected: string[] = [];
    for (let i = 0; i < 12; i++) {
      const app = i % 3 === 2 ? a : i % 2 === 0 ? a : b; // a, b, a, a, a, b, … both warm and cold
      const turn = await app.request<Turn>('POST', `/api/v1/sessions/${started.sessionId}/messages`, {
        token: started.sessionToken,
        body: { clientMessageId: `m${i}`, text: `x${i}` },
      });
      expect(turn.status).toBe(200);
      expected.push(`x${i}`);
      expect(texts(turn.body)).toEqual([`so far: ${JSON.stringify(expected)}`]);
    }
    // Resends reach either process and get the first answer, without advancing.
    const resendA = await a.request<Turn>('POST', `/api/v1/sessions/${started.sessionId}/messages`, {
      token: started.sessionToken,
      body: { clientMessageId: 'm3', text: 'x3' },
    });
    const resendB = await b.request<Turn>('POST', `/api/v1/sessions/${started.sessionId}/messages`, {
      token: started.sessionToken,
      body: { clientMessageId: 'm10', text: 'x10' },
    });
    expect(texts(resendA.body)).toEqual([`so far: ${JSON.stringify(expected.slice(0, 4))}`]);
    expect(texts(resendB.body)).toEqual([`so far: ${JSON.stringify(expected.slice(0, 11))}`]);
    const [row] = await a.sql<{ turn: number; last_seq: number }>(
      'SELECT s.turn, c.last_seq FROM chat_sessions s JOIN conversations c ON c.id = s.id WHERE s.id = $1',
      [started.sessionId],
    );
    expect(row).toEqual({ turn: 13, last_seq: 24 }); // no message of the start, 12 × (visitor + echo)
  });

  it('a stale cached row never calls the outside world twice', async () => {
    const target = new HttpTarget().route('GET /hook', (_req, res) => HttpTarget.json(res, 200, { ok: true }));
    const { url: baseUrl } = await target.start();
    try {
      const hookFlow = {
        schemaVersion: 1,
        events: [{ id: 'start', type: 'start' }],
        variables: [{ id: 'v', name: 'answer' }],
        groups: [
          {
            id: 'ask',
            blocks: [
              { id: 'in', type: 'textInput', options: { variableId: 'v' } },
              { id: 'call', type: 'httpRequest', options: { url: `${baseUrl}/hook?a={{answer}}`, method: 'GET' } },
              { id: 'ok', type: 'text', options: { text: 'noted {{answer}}' } },
            ],
          },
        ],
        edges: [
          { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'ask' } },
          { id: 'e1', from: { blockId: 'ok' }, to: { groupId: 'ask' } },
        ],
      };
      const bot = await publishChatbot(a, admin, { name: 'hook', flow: hookFlow });
      const s = (await a.request<Turn>('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} })).body;
      const send = (app: TestApp, id: string, text: string) =>
        app.request<Turn>('POST', `/api/v1/sessions/${s.sessionId}/messages`, {
          token: s.sessionToken,
          body: { clientMessageId: id, text },
        });
      await send(a, 'h1', 'one'); // a caches the row
      await send(b, 'h2', 'two'); // b moves the session on: a's copy is stale
      const third = await send(a, 'h3', 'three');
      expect(texts(third.body)).toEqual(['noted three']);
      const again = await send(a, 'h2', 'two'); // a resend of b's message, on a
      expect(texts(again.body)).toEqual(['noted two']);
      expect(target.requests.map((r) => r.url)).toEqual(['/hook?a=one', '/hook?a=two', '/hook?a=three']);
    } finally {
      await target.stop();
    }
  });
});
