import { addMember, register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';
import { corpusFlow, corpusSample, describeCorpus, fixture, fixtureAnswer } from './support/typebot-corpus';

interface RichNode {
  text?: string;
  children?: RichNode[];
}

interface Answer {
  sessionId?: string;
  resultId?: string;
  typebot?: { id: string; version: string; publishedAt?: string; settings: Record<string, unknown> };
  messages: {
    id: string;
    type: string;
    content: { type?: string; richText?: RichNode[]; markdown?: string; url?: string };
  }[];
  input?: {
    id: string;
    outgoingEdgeId?: string;
    type: string;
    items?: { id: string; content?: string }[];
    options?: Record<string, unknown>;
  };
  clientSideActions?: unknown[];
  logs?: unknown[];
  progress?: number;
  code?: string;
  message?: string;
  detail?: string;
}

const plainText = (nodes: readonly RichNode[]): string =>
  nodes.map((node) => node.text ?? plainText(node.children ?? [])).join('');

/** What a visitor sees of an answer: each bubble's text (rich text flattened) or URL, and the input. */
function seen(answer: Answer) {
  return {
    messages: answer.messages.map((m) => ({
      id: m.id,
      type: m.type,
      ...(m.type === 'text'
        ? { text: (m.content.richText ?? []).map((p) => plainText(p.children ?? [])).join('\n') }
        : { url: m.content.url }),
    })),
    input: answer.input && {
      id: answer.input.id,
      outgoingEdgeId: answer.input.outgoingEdgeId,
      type: answer.input.type,
      items: answer.input.items?.map((i) => ({ id: i.id, content: i.content })),
      options: answer.input.options,
    },
  };
}

/** The project's own flow and the answers written for it in Typebot's shapes (test/fixtures/typebot). */
const bakery = () => fixture('bakery-order.json');
const bakeryAnswer = (name: string) => fixtureAnswer<Answer>(`bakery-order.${name}.json`);

describe('Typebot-compatible chat API', () => {
  let t: TestApp;
  let agent: Account;

  beforeAll(async () => {
    t = await startTestApp();
    agent = await addMember(t, await register(t), 'agent');
  });
  afterAll(() => t.close());

  async function publishTypebot(json: Record<string, unknown>) {
    const imported = await t.request('POST', '/api/v1/chatbots/import/typebot', {
      token: agent.accessToken,
      body: json,
    });
    expect(imported.status).toBe(201);
    const bot = imported.body.chatbot as { id: string; publicId: string };
    const published = await t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, {
      token: agent.accessToken,
      body: {},
    });
    expect(published.status).toBe(201);
    return bot;
  }

  const startChat = (publicId: string, body: Record<string, unknown> = {}) =>
    t.request<Answer>('POST', `/api/v1/typebots/${publicId}/startChat`, { body });

  const continueChat = (sessionId: string, body: Record<string, unknown>) =>
    t.request<Answer>('POST', `/api/v1/sessions/${sessionId}/continueChat`, { body });

  /** Drives a flow through startChat and continueChat and compares what a visitor sees with the recorded answers. */
  async function answersAsRecorded(
    json: Record<string, unknown>,
    startAnswer: Answer,
    turns: [message: string, answer: Answer, name: string][],
  ) {
    const bot = await publishTypebot(json);
    const started = await startChat(bot.publicId, { isStreamEnabled: true, textBubbleContentFormat: 'richText' });
    expect(started.status).toBe(200);
    expect(seen(started.body)).toEqual(seen(startAnswer));
    expect(started.body).toMatchObject({
      sessionId: expect.stringMatching(/^pst_/),
      resultId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      typebot: { id: bot.id, version: '6.1', publishedAt: expect.any(String), theme: {} },
    });
    // The rich text itself, marks included, is as recorded.
    expect(started.body.messages[0]?.content).toEqual(startAnswer.messages[0]?.content);
    const { sessionId } = started.body;

    for (const [message, expected, name] of turns) {
      const answer = await continueChat(sessionId!, { message });
      expect([name, answer.status, seen(answer.body)]).toEqual([name, 200, seen(expected)]);
      // The same fields as the recorded answer (a retry has neither actions nor logs; no progress
      // bar, so no progress).
      expect([name, Object.keys(answer.body)]).toEqual([name, Object.keys(expected)]);
    }

    // Over: Typebot's "Session not found." 404, on which its widget starts a new session.
    for (const body of [{ message: 'hello?' }, {}]) {
      const over = await continueChat(sessionId!, body);
      expect([over.status, over.body.code, over.body.message]).toEqual([
        404,
        'session.not_found',
        'Session not found.',
      ]);
    }
  }

  it('drives an imported flow and answers as recorded for it in Typebot shapes, turn by turn', async () => {
    const turns: [string, string][] = [
      ["Let's order", 'continueChat.1.lets-order'],
      ['Ada', 'continueChat.2.ada'],
      ['ada@bakery', 'continueChat.3.not-an-email'],
      ['ada@example.org', 'continueChat.4.valid-email'],
      ['Croissants', 'continueChat.5.croissants'],
      ['Nut-free, please', 'continueChat.6.notes'],
    ];
    await answersAsRecorded(
      bakery(),
      bakeryAnswer('startChat'),
      turns.map(([message, name]) => [message, bakeryAnswer(name), name]),
    );
  });

  describeCorpus("Typebot's own answers", () => {
    it('drives the lead-gen template and answers what Typebot answered, turn by turn', async () => {
      const turns: [message: string, file: string][] = [
        ['Hi!', 'continueChat.1.hi-.response.json'],
        ['Jane Doe', 'continueChat.2.jane-doe.response.json'],
        ['not-an-email', 'continueChat.3.not-an-email.response.json'],
        ['jane@example.com', 'continueChat.4.jane-example-com.response.json'],
        ['Social media', 'continueChat.5.social-media.response.json'],
        ['I need a new landing page', 'continueChat.6.need-a-new-landing-page.response.json'],
      ];
      await answersAsRecorded(
        corpusFlow('template-lead-gen.json'),
        corpusSample<Answer>('startChat.lead-gen.response.json'),
        turns.map(([message, file]) => [message, corpusSample<Answer>(file), file]),
      );
    });
  });

  it('shares sessions with the native API: results, resume with the session token', async () => {
    const bot = await publishTypebot(bakery());
    const { body } = await startChat(bot.publicId);
    await continueChat(body.sessionId!, { message: { type: 'text', text: "Let's order" } });
    await continueChat(body.sessionId!, { message: 'Ada' });

    const resumed = await t.request('GET', `/api/v1/sessions/${body.resultId}`, { token: body.sessionId });
    expect(resumed.status).toBe(200);
    expect(resumed.body.input).toMatchObject({ type: 'emailInput', blockId: 'bakery_email_input' });

    const results = await t.request('GET', `/api/v1/chatbots/${bot.id}/results`, { token: agent.accessToken });
    expect(results.status).toBe(200);
    expect(results.body.items).toEqual([
      expect.objectContaining({
        id: body.resultId,
        completed: false,
        answers: expect.objectContaining({ bakery_name_input: 'Ada' }),
      }),
    ]);
  });

  it('answers 404 for invalid sessions and unknown or unpublished bots', async () => {
    const bot = await publishTypebot(bakery());
    const { body } = await startChat(bot.publicId);
    const forged = `${body.sessionId!.slice(0, -3)}AAA`;
    for (const sessionId of ['not-a-session', forged, `pst_${body.resultId}.x`, body.resultId!]) {
      const res = await continueChat(sessionId, { message: 'Hi!' });
      expect([sessionId, res.status, res.body.code, res.body.message]).toEqual([
        sessionId,
        404,
        'session.not_found',
        'Session not found.',
      ]);
    }
    const unknownBot = await startChat('bot_doesnotexist');
    expect([unknownBot.status, unknownBot.body.message]).toEqual([404, 'No published bot bot_doesnotexist.']);
    const draft = await t.request('POST', '/api/v1/chatbots/import/typebot', {
      token: agent.accessToken,
      body: bakery(),
    });
    expect((await startChat(draft.body.chatbot.publicId)).status).toBe(404);
  });

  it("accepts Typebot's fields: prefilled variables, markdown, a first answer, a message-less continue", async () => {
    const json = bakery();
    const welcome = (json.groups as { blocks: { id: string; content?: unknown }[] }[])[0]!.blocks[0]!;
    welcome.content = { richText: [{ type: 'p', children: [{ text: 'Welcome _{{Customer}}_' }] }] };
    const bot = await publishTypebot(json);

    const started = await startChat(bot.publicId, {
      prefilledVariables: { Customer: 'Ada' },
      textBubbleContentFormat: 'markdown',
      resultId: 'ignored',
      isPreview: false,
      aFieldFromANewerTypebot: { nested: true },
    });
    expect(started.status).toBe(200);
    expect(started.body.messages[0]?.content).toEqual({ type: 'markdown', markdown: 'Welcome _Ada_' });

    // Without a message, Typebot asks the awaited input again after its retry message.
    const current = await continueChat(started.body.sessionId!, {});
    expect(current.status).toBe(200);
    expect(current.body).toEqual({
      messages: [
        {
          id: started.body.input!.id,
          type: 'text',
          content: {
            type: 'richText',
            richText: [{ type: 'p', children: [{ text: 'Invalid message. Please, try again.' }] }],
          },
        },
      ],
      input: started.body.input,
    });

    // A flow that starts with an input can be answered by startChat's message.
    const answered = await startChat(bot.publicId, { message: "Let's order" });
    expect(seen(answered.body).messages.map((m) => m.id)).toEqual([
      'bakery_welcome',
      'bakery_counter_photo',
      'bakery_ask_name',
    ]);
    expect(answered.body.input?.type).toBe('text input');

    const registering = await startChat(bot.publicId, { isOnlyRegistering: true });
    expect([registering.status, registering.body.code]).toEqual([400, 'typebot.unsupported']);
    const badFormat = await continueChat(started.body.sessionId!, { message: 'Hi!', textBubbleContentFormat: 'html' });
    expect(badFormat.status).toBe(400);
  });

  it('puts a message member on every error of these routes, as Typebot does', async () => {
    const bot = await publishTypebot(bakery());
    const { body } = await startChat(bot.publicId);
    const path = `/api/v1/sessions/${body.sessionId!}/continueChat`;
    const cases = [
      // Refused by the input-hygiene hook, before the handler.
      {
        name: 'NUL',
        res: await t.request<Answer>('POST', path, {
          rawBody: '{"message":"a\\u0000b"}',
          headers: { 'content-type': 'application/json' },
        }),
      },
      {
        name: 'malformed JSON',
        res: await t.request<Answer>('POST', path, {
          rawBody: '{"message":',
          headers: { 'content-type': 'application/json' },
        }),
      },
      { name: 'validation', res: await continueChat(body.sessionId!, { message: { type: 'text' } }) },
      { name: 'unsupported', res: await startChat(bot.publicId, { isOnlyRegistering: true }) },
    ];
    for (const { name, res } of cases) {
      expect([name, res.status, typeof res.body.message]).toEqual([name, 400, 'string']);
      expect(res.body.message).toBe(res.body.detail);
    }
    const tooLarge = await t.request<Answer>('POST', path, {
      rawBody: JSON.stringify({ message: 'x'.repeat(1_100_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect([tooLarge.status, typeof tooLarge.body.message]).toEqual([413, 'string']);
    const closed = await t.request('PATCH', `/api/v1/chatbots/${bot.id}`, {
      token: agent.accessToken,
      body: { settings: { allowedOrigins: ['https://shop.example'] } },
    });
    expect(closed.status).toBe(200);
    const foreign = await t.request<Answer>('POST', `/api/v1/typebots/${bot.publicId}/startChat`, {
      body: {},
      headers: { origin: 'https://elsewhere.example' },
    });
    expect([foreign.status, foreign.body.message]).toEqual([
      403,
      'This bot cannot be embedded on https://elsewhere.example.',
    ]);
    // Not on other routes.
    const native = await t.request<Answer>('POST', '/api/v1/bots/bot_doesnotexist/sessions', { body: {} });
    expect([native.status, native.body.message]).toEqual([404, undefined]);
  });

  it("stores the widget's clientLogs in the session's execution log (bounded), CORS-open", async () => {
    const bot = await publishTypebot(bakery());
    const { body } = await startChat(bot.publicId);
    const clientLogs = (logs: unknown[], sessionId = body.sessionId!, version = 'v2') =>
      t.request<{ message?: string; code?: string }>('POST', `/api/${version}/sessions/${sessionId}/clientLogs`, {
        body: { clientLogs: logs },
        headers: { origin: 'https://site.example' },
      });
    const saved = await clientLogs([
      { status: 'error', description: 'Failed to open the redirect', details: { url: 'https://x.example' } },
      { status: 'info', description: 'Script ran', context: 'script' },
    ]);
    expect([saved.status, saved.body]).toEqual([200, { message: 'Logs successfully saved.' }]);
    expect(saved.headers.get('access-control-allow-origin')).toBe('https://site.example');
    expect(saved.headers.get('cache-control')).toMatch(/no-store/);
    expect((await clientLogs([{ status: 'error', description: 'also under v1' }], body.sessionId, 'v1')).status).toBe(
      200,
    );

    const logs = await t.request<{ kind: string; outcome: string; error?: string; detail?: string; blockId: string }[]>(
      'GET',
      `/api/v1/sessions/${body.resultId!}/logs`,
      { token: agent.accessToken },
    );
    expect(logs.status).toBe(200);
    expect(logs.body.filter((step) => step.kind === 'client:log')).toEqual([
      {
        blockId: body.input!.id,
        groupId: null,
        kind: 'client:log',
        outcome: 'error',
        error: 'error: Failed to open the redirect',
        detail: '{"url":"https://x.example"}',
      },
      {
        blockId: body.input!.id,
        groupId: null,
        kind: 'client:log',
        outcome: 'ok',
        error: 'info: Script ran',
        detail: 'script',
      },
      { blockId: body.input!.id, groupId: null, kind: 'client:log', outcome: 'error', error: 'error: also under v1' },
    ]);

    const tooMany = await clientLogs(Array.from({ length: 11 }, () => ({ status: 'error', description: 'x' })));
    expect([tooMany.status, tooMany.body.code]).toEqual([400, 'request.validation_failed']);
    const malformed = await clientLogs([{ status: 'error' }]);
    expect([malformed.status, typeof (malformed.body as { message?: unknown }).message]).toEqual([400, 'string']);
    const unknown = await clientLogs([{ status: 'error', description: 'x' }], 'not-a-session');
    expect([unknown.status, unknown.body.message]).toEqual([404, 'Session not found.']);
    const preflight = await t.request('OPTIONS', `/api/v2/sessions/${body.sessionId!}/clientLogs`, {
      headers: { origin: 'https://site.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
  });

  it("answers progress only when the bot's theme shows a progress bar", async () => {
    const bot = await publishTypebot(bakery());
    const off = await startChat(bot.publicId);
    expect(off.body).not.toHaveProperty('progress');
    const patched = await t.request('PATCH', `/api/v1/chatbots/${bot.id}`, {
      token: agent.accessToken,
      body: { theme: { general: { progressBar: { isEnabled: true, placement: 'Top' } } } },
    });
    expect(patched.status).toBe(200);
    const on = await startChat(bot.publicId);
    expect(on.body.progress).toBe(0);
    const next = await continueChat(on.body.sessionId!, { message: "Let's order" });
    expect(next.body.progress).toEqual(expect.any(Number));
    expect(next.body.progress).toBeGreaterThan(0);
  });

  it('publishes and runs an export that uses variable ids it does not declare (as Typebot does)', async () => {
    const imported = await t.request<{
      chatbot: { id: string; publicId: string };
      report: { undeclaredVariables: unknown[] };
    }>('POST', '/api/v1/chatbots/import/typebot', {
      token: agent.accessToken,
      body: fixture('undeclared-variable.json'),
    });
    expect(imported.status).toBe(201);
    expect(imported.body.report.undeclaredVariables).toEqual([
      { variableId: 'var_pet_name_deleted', name: 'var_pet_name_deleted', usedBy: ['pet_name_input'] },
      { variableId: 'var_vip_deleted', name: 'var_vip_deleted', usedBy: ['pet_condition'] },
    ]);
    const published = await t.request('POST', `/api/v1/chatbots/${imported.body.chatbot.id}/publish`, {
      token: agent.accessToken,
      body: {},
    });
    expect(published.status).toBe(201);
    const started = await startChat(imported.body.chatbot.publicId, { textBubbleContentFormat: 'markdown' });
    expect(started.body.input).toMatchObject({ id: 'pet_name_input', outgoingEdgeId: 'pet_e_name' });
    const end = await continueChat(started.body.sessionId!, { message: 'Rex', textBubbleContentFormat: 'markdown' });
    // The undeclared condition variable is empty: not "yes", so the flow goes on to the thanks.
    expect(end.body.messages.map((m) => m.content.markdown)).toEqual(['Thanks, friend!']);
  });
});
