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
  input?: { id: string; type: string; items?: { id: string; content?: string }[]; options?: Record<string, unknown> };
  clientSideActions?: unknown[];
  logs?: unknown[];
  code?: string;
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
      // The same fields as the recorded answer (a retry has neither actions nor logs).
      expect([name, Object.keys(answer.body).filter((k) => k !== 'progress')]).toEqual([name, Object.keys(expected)]);
    }

    const over = await continueChat(sessionId!, { message: 'hello?' });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('session.ended');
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
      expect([sessionId, res.status, res.body.code]).toEqual([sessionId, 404, 'session.not_found']);
    }
    expect((await startChat('bot_doesnotexist')).status).toBe(404);
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

    const current = await continueChat(started.body.sessionId!, {});
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ messages: [], input: { type: 'choice input', id: started.body.input!.id } });

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
});
