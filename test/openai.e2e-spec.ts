import { asOrganizationId } from '@/access/organization-id';
import { AiUsageRecorder, OpenAiClient } from '@/integrations/openai';
import { FakeOpenAi, fakeMp3 } from './support/fake-openai';
import { publishChatbot } from './support/chatbots';
import { register, type Account } from './support/identity';
import { outboxData } from './support/outbox';
import { S3Server } from './support/s3-server';
import { putOpenAiConnection, TestConnectionsModule } from './support/test-connections';
import { startTestApp, type TestApp } from './support/test-app';
import { fixture } from './support/typebot-corpus';
import { openAiChatFlow } from './support/flows';

interface Turn {
  sessionId: string;
  sessionToken: string;
  status: string;
  messages: { type: string; markdown?: string; url?: string; autoplay?: boolean }[];
  input: { type: string } | null;
}

const texts = (turn: Turn) => turn.messages.filter((m) => m.type === 'text').map((m) => m.markdown);

/** Starts sessions and sends messages through the native chat API. */
function visitor(t: () => TestApp) {
  let n = 0;
  return {
    start: async (publicId: string) =>
      (await t().request<Turn>('POST', `/api/v1/bots/${publicId}/sessions`, { body: {} })).body,
    say: async (turn: Turn, text: string) =>
      (
        await t().request<Turn>('POST', `/api/v1/sessions/${turn.sessionId}/messages`, {
          token: turn.sessionToken,
          body: { clientMessageId: `m${n++}`, text },
        })
      ).body,
  };
}

describe("OpenAI blocks with an organization's connection", () => {
  const ai = new FakeOpenAi();
  let t: TestApp;
  let acme: Account;
  let other: Account;
  const chat = visitor(() => t);

  beforeAll(async () => {
    const { baseUrl } = await ai.start();
    t = await startTestApp(
      { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-installation', OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true' },
      { extraModules: [TestConnectionsModule] },
    );
    acme = await register(t, { organizationName: 'Acme' });
    other = await register(t, { organizationName: 'Other' });
    putOpenAiConnection(acme.organizationId, 'conn-acme-openai', { apiKey: 'sk-acme-own-key' }, { baseUrl });
  });
  afterAll(async () => {
    await t.close();
    await ai.stop();
  });
  beforeEach(() => ai.reset());

  it("sends the organization's key (not OPENAI_API_KEY) to the stand-in, and meters the call under it", async () => {
    ai.queueChat({ content: 'Paid by Acme.', usage: { promptTokens: 8, completionTokens: 3 } });
    const bot = await publishChatbot(t, acme, {
      name: 'own key',
      flow: openAiChatFlow({ connectionId: 'conn-acme-openai' }),
    });
    const session = await chat.start(bot.publicId);
    const answer = await chat.say(session, 'Who pays?');
    expect(texts(answer)).toEqual(['AI: Paid by Acme.']);
    expect(ai.chatRequests.map((r) => r.authorization)).toEqual(['Bearer sk-acme-own-key']);
    const usage = (await outboxData(t, 'ai.usage_recorded')).filter((u) => u.sessionId === session.sessionId);
    expect(usage).toEqual([
      {
        chatbotId: bot.id,
        sessionId: session.sessionId,
        preview: false,
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4o-mini',
        promptTokens: 8,
        completionTokens: 3,
        totalTokens: 11,
        durationMs: expect.any(Number),
        outcome: 'ok',
        connectionId: 'conn-acme-openai',
        audioSeconds: null,
        characters: null,
      },
    ]);
  });

  it("cannot use another organization's connection: the block fails without a request and the flow goes on", async () => {
    const bot = await publishChatbot(t, other, {
      name: 'borrowed key',
      flow: openAiChatFlow({ connectionId: 'conn-acme-openai' }),
    });
    const session = await chat.start(bot.publicId);
    const answer = await chat.say(session, 'Can I borrow it?');
    expect(texts(answer)).toEqual(['AI: ']);
    expect(ai.requests).toHaveLength(0);
    const log = await t.sql<{ steps: unknown }>(
      `SELECT steps FROM session_turn_logs WHERE session_id = $1 ORDER BY turn DESC LIMIT 1`,
      [session.sessionId],
    );
    expect(JSON.stringify(log[0]?.steps)).toContain('the OpenAI connection conn-acme-openai does not exist');
    expect((await outboxData(t, 'ai.usage_recorded')).filter((u) => u.sessionId === session.sessionId)).toEqual([]);
  });

  it('records usage of calls outside a turn (transcription jobs) in a transaction of its own', async () => {
    const recorder = t.app.get(AiUsageRecorder);
    const done = await t.app
      .get(OpenAiClient)
      .transcribe(
        { organizationId: asOrganizationId(acme.organizationId), connectionId: 'conn-acme-openai' },
        { model: 'whisper-1', audio: { bytes: Buffer.from('RIFF'), fileName: 'a.wav', contentType: 'audio/wav' } },
      );
    expect(done.ok).toBe(true);
    await recorder.record(asOrganizationId(acme.organizationId), done.usage);
    await recorder.record(asOrganizationId(acme.organizationId), undefined); // nothing reached OpenAI: nothing
    const rows = await t.sql<{ organization_id: string; data: Record<string, unknown> }>(
      `SELECT organization_id, data FROM outbox_events WHERE type = 'ai.usage_recorded' AND data->>'operation' = 'transcription'`,
    );
    expect(rows).toEqual([
      {
        organization_id: acme.organizationId,
        data: expect.objectContaining({
          chatbotId: null,
          sessionId: null,
          connectionId: 'conn-acme-openai',
          outcome: 'ok',
        }),
      },
    ]);
  });

  it('records a failed call too, with zero tokens', async () => {
    ai.queueChat(FakeOpenAi.fail.status(400, 'model not found'));
    const bot = await publishChatbot(t, acme, {
      name: 'failing',
      flow: openAiChatFlow({ connectionId: 'conn-acme-openai' }),
    });
    const session = await chat.start(bot.publicId);
    expect(texts(await chat.say(session, 'Hello?'))).toEqual(['AI: ']);
    const usage = (await outboxData(t, 'ai.usage_recorded')).filter((u) => u.sessionId === session.sessionId);
    expect(usage).toEqual([
      expect.objectContaining({
        operation: 'chat',
        outcome: 'error',
        totalTokens: 0,
        connectionId: 'conn-acme-openai',
      }),
    ]);
  });
});

describe.each(['local', 's3'] as const)("Typebot's OpenAI actions, imported (STORAGE_DRIVER=%s)", (driver) => {
  const ai = new FakeOpenAi({ apiKey: 'sk-installation' });
  const s3 = new S3Server();
  let t: TestApp;
  let admin: Account;
  const chat = visitor(() => t);

  /** Where the test reaches a signed link: the local driver's carry PUBLIC_URL (port 0 in tests). */
  const reach = (url: string) => {
    if (driver === 's3') return url;
    const link = new URL(url);
    expect(link.origin).toBe(t.config.integrations.publicUrl);
    return `${t.url}${link.pathname}${link.search}`;
  };

  beforeAll(async () => {
    const { baseUrl } = await ai.start();
    if (driver === 's3') await s3.start();
    t = await startTestApp({
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: 'sk-installation',
      // The audio to transcribe is served by the stand-in on 127.0.0.1.
      OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true',
      ...(driver === 's3' ? s3.env() : {}),
    });
    admin = await register(t);
  });
  afterAll(async () => {
    await t.close();
    await ai.stop();
    if (driver === 's3') await s3.stop();
  });

  it('transcribes the voice note, speaks the answer as an audio bubble served from storage, and meters every call', async () => {
    const imported = await t.request('POST', '/api/v1/chatbots/import/typebot', {
      token: admin.accessToken,
      body: fixture('openai-voice.json'),
    });
    expect(imported.status).toBe(201);
    expect(imported.body.report.notRunnable).toEqual([]);
    expect(imported.body.report.warnings.join('\n')).toContain('OpenAI retired the Assistants API');
    const published = await t.request('POST', `/api/v1/chatbots/${imported.body.chatbot.id}/publish`, {
      token: admin.accessToken,
      body: {},
    });
    expect(published.status).toBe(201);

    const audioUrl = ai.serveFile('voice-note.ogg', Buffer.from('OggS fake voice note'), 'audio/ogg');
    ai.queueTranscription('please call me back');
    const session = await chat.start(imported.body.chatbot.publicId);
    expect(session.input?.type).toBe('textInput');
    const turn = await chat.say(session, audioUrl);

    // Whisper got the downloaded file; the text landed in the variable and is shown.
    expect(ai.transcriptionRequests).toHaveLength(1);
    expect(ai.transcriptionRequests[0]!.fields).toMatchObject({ model: 'whisper-1' });
    expect(ai.transcriptionRequests[0]!.file?.bytes.toString()).toBe('OggS fake voice note');
    expect(turn.messages.map((m) => m.type)).toEqual(['text', 'audio', 'text', 'text', 'audio']);
    expect(texts(turn)).toEqual([
      'You said: please call me back',
      'echo: please call me back',
      'echo: Summarise: please call me back',
    ]);

    // Ask Model: instructions as the system message; Ask Assistant: the message alone.
    expect(ai.chatRequests.map((r) => r.body.messages)).toEqual([
      [
        { role: 'system', content: 'Answer in one sentence.' },
        { role: 'user', content: 'please call me back' },
      ],
      [{ role: 'user', content: 'Summarise: please call me back' }],
    ]);

    // The speech bubble's signed link serves the stand-in's audio bytes with their type.
    expect(ai.speechRequests.map((r) => r.body)).toEqual([
      { model: 'tts-1', input: 'You said please call me back', voice: 'nova', response_format: 'mp3' },
      { model: 'tts-1', input: 'Bye', voice: 'shimmer', response_format: 'mp3' },
    ]);
    const [spoken, saved] = turn.messages.filter((m) => m.type === 'audio');
    for (const [bubble, text] of [
      [spoken, 'You said please call me back'],
      [saved, 'Bye'],
    ] as const) {
      const response = await fetch(reach(bubble!.url!));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('audio/mpeg');
      expect(Buffer.from(await response.arrayBuffer()).equals(fakeMp3(text))).toBe(true);
    }
    if (driver === 's3') expect(new URL(spoken!.url!).origin).toBe(s3.endpoint);
    const key = new URL(spoken!.url!).pathname;
    expect(key).toMatch(new RegExp(`/org/${admin.organizationId}/speech/[0-9a-f-]{36}\\.mp3$`));
    // Tampered with: refused.
    const tampered = new URL(reach(spoken!.url!));
    tampered.pathname = tampered.pathname.replace(/[0-9a-f]{4}\.mp3$/, '0000.mp3');
    expect((await fetch(tampered)).status).toBe(driver === 's3' ? 403 : 404);

    const usage = (await outboxData(t, 'ai.usage_recorded')).filter((u) => u.sessionId === session.sessionId);
    expect(usage.map((u) => [u.provider, u.operation, u.outcome, u.connectionId])).toEqual([
      ['openai', 'transcription', 'ok', null],
      ['openai', 'speech', 'ok', null],
      ['openai', 'chat', 'ok', null],
      ['openai', 'chat', 'ok', null],
      ['openai', 'speech', 'ok', null],
    ]);
    for (const u of usage) expect(u.durationMs).toEqual(expect.any(Number));
  });
});
