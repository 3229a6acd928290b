import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { FakeOpenAi } from './support/fake-openai';
import { register, type Account } from './support/identity';
import { outboxData, outboxEvents } from './support/outbox';
import { withQueueEvents } from './support/queues';
import { publishChatbot } from './support/chatbots';
import { idleQuestionFlow } from './support/flows';
import { startTestApp, type TestApp } from './support/test-app';
import { corpusFlow, describeCorpus, fixture } from './support/typebot-corpus';

interface Turn {
  sessionId: string;
  sessionToken: string;
  status: string;
  code?: string;
  messages: { type: string; markdown?: string }[];
  input: { type: string; blockId: string; choices?: { id: string; label: string }[] } | null;
}

const texts = (turn: Turn) => turn.messages.filter((m) => m.type === 'text').map((m) => m.markdown);

describe('conversations through the native chat API', () => {
  let t: TestApp;
  let ai: FakeOpenAi;
  let admin: Account;

  beforeAll(async () => {
    ai = new FakeOpenAi({ apiKey: 'sk-test' });
    const { baseUrl } = await ai.start();
    t = await startTestApp({ OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-test' });
    admin = await register(t);
  });
  afterAll(async () => {
    await t.close();
    await ai.stop();
  });

  const publish = (body: Record<string, unknown>) => publishChatbot(t, admin, body);

  async function importAndPublish(typebotExport: unknown) {
    const imported = await t.request('POST', '/api/v1/chatbots/import/typebot', {
      token: admin.accessToken,
      body: typebotExport,
    });
    expect(imported.status).toBe(201);
    const published = await t.request('POST', `/api/v1/chatbots/${imported.body.chatbot.id}/publish`, {
      token: admin.accessToken,
      body: {},
    });
    expect(published.status).toBe(201);
    return imported.body.chatbot as { id: string; publicId: string };
  }

  const start = async (publicId: string) =>
    (await t.request<Turn>('POST', `/api/v1/bots/${publicId}/sessions`, { body: {} })).body;
  let n = 0;
  const say = async (turn: Turn, body: Record<string, unknown>) =>
    (
      await t.request<Turn>('POST', `/api/v1/sessions/${turn.sessionId}/messages`, {
        token: turn.sessionToken,
        body: { clientMessageId: `m${n++}`, ...body },
      })
    ).body;

  it('answers FAQ questions with OpenAI, records usage, and hands off to a human on request', async () => {
    ai.queueChat({ content: 'We open at **9am**.', usage: { promptTokens: 40, completionTokens: 7 } });

    const bot = await publish({ name: 'faq', templateId: 'ai-faq' });
    const session = await start(bot.publicId);
    expect(texts(session)[0]).toContain("I'm the virtual assistant");
    const answer = await say(session, { text: 'When do you open?' });
    expect(texts(answer)).toContain('We open at **9am**.');
    expect(ai.chatRequests).toHaveLength(1);
    expect(ai.chatRequests[0]!.authorization).toBe('Bearer sk-test');
    expect(ai.chatRequests[0]!.body.model).toBe('gpt-4o-mini');
    expect(JSON.stringify(ai.chatRequests[0]!.body.messages)).toContain('When do you open?');
    const usage = (await outboxEvents(t, 'ai.usage_recorded')).filter((e) => e.data.sessionId === session.sessionId);
    expect(usage).toEqual([
      expect.objectContaining({
        organizationId: admin.organizationId,
        data: expect.objectContaining({
          chatbotId: bot.id,
          sessionId: session.sessionId,
          preview: false,
          model: 'gpt-4o-mini',
          promptTokens: 40,
          completionTokens: 7,
        }),
      }),
    ]);

    const human = await say(session, { command: 'human' });
    expect(human.status).toBe('handoff');
    expect(texts(human).join(' ')).toContain('connecting you with a member of our team');
    const handoffs = (await outboxData(t, 'session.handoff_requested')).filter(
      (e) => e.sessionId === session.sessionId,
    );
    expect(handoffs).toEqual([expect.objectContaining({ sessionId: session.sessionId, chatbotId: bot.id })]);
    expect(await outboxData(t, 'conversation.bot_handoff')).toEqual([
      expect.objectContaining({ conversationId: session.sessionId, sessionId: session.sessionId }),
    ]);
    // A human owns the conversation now: the visitor's message is stored for the agent, the bot stays quiet.
    const toAgent = await t.request('POST', `/api/v1/sessions/${session.sessionId}/messages`, {
      token: session.sessionToken,
      body: { clientMessageId: 'late', text: 'hello?' },
    });
    expect(toAgent.status).toBe(200);
    expect(toAgent.body).toMatchObject({ status: 'handoff', messages: [], input: null });
    const history = await t.sql<{ sender_type: string; text: string }>(
      'SELECT sender_type, text FROM conversation_messages WHERE conversation_id = $1 ORDER BY seq',
      [session.sessionId],
    );
    expect(history.at(-1)).toEqual({ sender_type: 'visitor', text: 'hello?' });
    expect(history.filter((m) => m.sender_type === 'visitor').map((m) => m.text)).toEqual([
      'When do you open?',
      '/human',
      'hello?',
    ]);
    expect(await t.sql('SELECT status FROM conversations WHERE id = $1', [session.sessionId])).toEqual([
      { status: 'open' },
    ]);
  });

  it('runs the idle event when the visitor does not answer, and not after they did', async () => {
    const flow = idleQuestionFlow();
    const bot = await publish({ name: 'idle', flow });
    const queue = t.app.get<Queue>(getQueueToken('executions'));
    await withQueueEvents(t, 'executions', async (queueEvents) => {
      const quiet = await start(bot.publicId);
      const job = await queue.getJob(`idle-${quiet.sessionId}-1`);
      expect(job?.opts.delay).toBe(60_000);
      await job!.promote(); // the 60 s elapse now
      await job!.waitUntilFinished(queueEvents, 15_000);
      const resumed = await t.request('GET', `/api/v1/sessions/${quiet.sessionId}`, { token: quiet.sessionToken });
      const said = resumed.body.transcript
        .filter((e: { role: string }) => e.role === 'bot')
        .map((e: { content: { markdown: string } }) => e.content.markdown);
      expect(said).toEqual(['Anything to add?', 'Are you still there?']);
      expect(resumed.body.input.type).toBe('textInput');
      const answered = await say(quiet, { text: 'nope' });
      expect(texts(answered)).toEqual(['Got it: nope']);

      const chatty = await start(bot.publicId);
      const chattyJob = await queue.getJob(`idle-${chatty.sessionId}-1`);
      await say(chatty, { text: 'quick answer' });
      await chattyJob!.promote();
      expect(await chattyJob!.waitUntilFinished(queueEvents, 15_000)).toBe('stale');
      const after = await t.request('GET', `/api/v1/sessions/${chatty.sessionId}`, { token: chatty.sessionToken });
      expect(JSON.stringify(after.body.transcript)).not.toContain('Are you still there?');
    });
  });

  it('runs the satisfaction survey down both branches of its condition, with rating validation', async () => {
    const bot = await publish({ name: 'csat', templateId: 'satisfaction-survey' });
    const low = await start(bot.publicId);
    expect(low.input?.type).toBe('ratingInput');
    const outOfRange = await say(low, { text: '42' });
    expect(outOfRange.input?.type).toBe('ratingInput');
    const two = await say(low, { text: '2' });
    expect(texts(two)).toEqual(["We're sorry to hear that. What could we have done better?"]);
    const done = await say(low, { text: 'Faster answers' });
    expect(texts(done)).toEqual(['Thank you for your feedback, it helps us improve! 🙏']);
    expect(done.status).toBe('completed');

    const high = await start(bot.publicId);
    const five = await say(high, { value: 5 });
    expect(texts(five)).toEqual(['Great to hear! Anything else you would like to tell us?']);

    const results = await t.request('GET', `/api/v1/chatbots/${bot.id}/results?completed=true`, {
      token: admin.accessToken,
    });
    expect(results.body.items).toEqual([
      expect.objectContaining({ id: low.sessionId, variables: { Score: 2, Comment: 'Faster answers' } }),
    ]);
    const unfinished = await t.request('GET', `/api/v1/chatbots/${bot.id}/results?completed=false`, {
      token: admin.accessToken,
    });
    expect(unfinished.body.items.map((r: { id: string }) => r.id)).toEqual([high.sessionId]);
    const future = await t.request('GET', `/api/v1/chatbots/${bot.id}/results?from=2999-01-01T00:00:00Z`, {
      token: admin.accessToken,
    });
    expect(future.body.items).toEqual([]);
  });

  it('prunes sessions idle for longer than the retention, with their turns', async () => {
    const bot = await publish({ name: 'old', templateId: 'satisfaction-survey' });
    const old = await start(bot.publicId);
    const recent = await start(bot.publicId);
    await t.sql(`UPDATE chat_sessions SET last_activity_at = now() - interval '400 days' WHERE id = $1`, [
      old.sessionId,
    ]);
    const queue = t.app.get<Queue>(getQueueToken('executions'));
    await withQueueEvents(t, 'executions', async (queueEvents) => {
      const job = await queue.add('prune-sessions', { organizationId: null });
      expect(await job.waitUntilFinished(queueEvents, 15_000)).toMatchObject({ deleted: 1 });
    });
    expect(await t.sql('SELECT id FROM chat_sessions WHERE id = ANY($1)', [[old.sessionId, recent.sessionId]])).toEqual(
      [{ id: recent.sessionId }],
    );
    expect(await t.sql('SELECT 1 FROM session_turn_logs WHERE session_id = $1', [old.sessionId])).toHaveLength(0);
    // A bot-only conversation goes with its session.
    expect(await t.sql('SELECT 1 FROM conversations WHERE id = $1', [old.sessionId])).toHaveLength(0);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain('prune-sessions');
  });

  it('drives an imported Typebot flow: choices, text, email with retry, variables in the answers', async () => {
    const bot = await importAndPublish(fixture('bakery-order.json'));
    const s = await start(bot.publicId);
    expect(texts(s)).toEqual(['Welcome to **Crumb & Co.**, the corner bakery.']);
    expect(s.input?.type).toBe('choiceInput');
    const order = await say(s, { text: "Let's order" });
    expect(order.input?.type).toBe('textInput');
    const named = await say(s, { text: 'Ada' });
    expect(texts(named)).toEqual(['Thanks, Ada! Where should we send the receipt?']);
    expect(named.input?.type).toBe('emailInput');
    const invalid = await say(s, { text: 'ada@bakery' });
    expect(invalid.input?.type).toBe('emailInput');
    expect(texts(invalid)).toEqual(["This email doesn't seem to be valid. Can you type it again?"]);
    const email = await say(s, { text: 'ada@example.org' });
    expect(email.input?.choices?.map((c) => c.label)).toEqual(['Sourdough loaf', 'Croissants', 'Carrot cake']);
    const cake = await say(s, { text: 'Carrot cake' });
    expect(cake.input?.type).toBe('textInput');
    const done = await say(s, { text: 'Happy birthday, Sam' });
    expect([texts(done)[1], done.status]).toEqual([
      "We'll email ada@example.org when your Carrot cake are ready.",
      'completed',
    ]);
  });

  it('evaluates the conditions of an imported Typebot flow', async () => {
    const bot = await importAndPublish(fixture('age-gate.json'));
    const cases: [string, string[]][] = [
      ['40', ['Enjoy the film!']],
      ['15', ['Teen tickets are half price.']],
      // "< 13" is true and has no exit: the flow ends there, so the next bubble never shows.
      ['9', []],
    ];
    for (const [age, expected] of cases) {
      const s = await start(bot.publicId);
      expect(texts(s)).toEqual(['How old are you?']);
      expect(s.input?.type).toBe('numberInput');
      const invalid = await say(s, { text: 'old enough' });
      expect(invalid.input?.type).toBe('numberInput');
      const answer = await say(s, { text: age });
      expect([age, texts(answer), answer.status]).toEqual([age, expected, 'completed']);
    }
  });

  describeCorpus('Typebot exports', () => {
    it("drives Typebot's lead-gen template imported from the corpus", async () => {
      const bot = await importAndPublish(corpusFlow('template-lead-gen.json'));
      const s = await start(bot.publicId);
      expect(s.input?.type).toBe('choiceInput');
      const hi = await say(s, { text: 'Hi!' });
      expect(hi.input?.type).toBe('textInput');
      const named = await say(s, { text: 'Jane Doe' });
      expect(texts(named).join(' ')).toContain('Jane');
      expect(named.input?.type).toBe('emailInput');
      const invalid = await say(s, { text: 'not-an-email' });
      expect(invalid.input?.type).toBe('emailInput');
      expect(texts(invalid)).toHaveLength(1);
      const email = await say(s, { text: 'jane@example.com' });
      expect(email.input?.type).toBe('choiceInput');
    });

    it("evaluates conditions of Typebot's condition fixture", async () => {
      const bot = await importAndPublish(corpusFlow('fixture-viewer-condition.json'));
      const cases: [string, string[]][] = [
        ['90', ['You are older than 80']],
        ['45', ['You are older than 20']],
        ['12', ['You are younger than 20']],
      ];
      for (const [age, expected] of cases) {
        const s = await start(bot.publicId);
        expect(texts(s)).toEqual(['How old are you?']);
        expect(s.input?.type).toBe('numberInput');
        const invalid = await say(s, { text: 'old' });
        expect(invalid.input?.type).toBe('numberInput');
        const answer = await say(s, { text: age });
        // The condition after "younger than 20" has no exit: the flow ends there, so the last text never shows.
        expect([age, texts(answer), answer.status]).toEqual([age, expected, 'completed']);
      }
    });
  });
});
