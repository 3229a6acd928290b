import OpenAI, { toFile } from 'openai';
import { FakeOpenAi } from '../../../test/support/fake-openai';
import type { OpenAiChatEffect } from '../engine/engine-types';
import { type OpenAiEffectData, OpenAiEffectRunner } from './openai-effect.runner';

const effect = (over: Partial<OpenAiChatEffect> = {}): OpenAiChatEffect => ({
  effectId: 'e1',
  blockId: 'b1',
  groupId: 'g1',
  afterMessageCount: 0,
  kind: 'openAiChat',
  awaitsResult: true,
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'What are your opening hours?' },
  ],
  responseMapping: [],
  ...over,
});

describe('OpenAiEffectRunner', () => {
  const ai = new FakeOpenAi({ apiKey: 'sk-test-key' });
  let baseUrl: string;

  const runner = ({ apiKey = 'sk-test-key', timeoutMs = 5_000 } = {}) =>
    new OpenAiEffectRunner({ openai: { baseUrl, apiKey, timeoutMs } });

  beforeAll(async () => {
    ({ baseUrl } = await ai.start());
  });
  afterAll(() => ai.stop());
  beforeEach(() => ai.reset());

  it('sends the model, messages, temperature and max tokens with the API key', async () => {
    ai.queueChat({ content: 'We open at 9.', usage: { promptTokens: 21, completionTokens: 5 } });
    const outcome = await runner().run(effect({ temperature: 0.2, maxTokens: 150 }));

    expect(ai.chatRequests).toHaveLength(1);
    const [request] = ai.chatRequests;
    expect(request?.authorization).toBe('Bearer sk-test-key');
    expect(request?.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      max_tokens: 150,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'What are your opening hours?' },
      ],
    });
    expect(request?.body.stream).toBeFalsy();

    expect(outcome).toMatchObject({ outcome: 'ok', attempts: 1 });
    expect(outcome.data).toEqual({
      messageContent: 'We open at 9.',
      promptTokens: 21,
      completionTokens: 5,
      totalTokens: 26,
      model: 'gpt-4o-mini',
      finishReason: 'stop',
    } satisfies OpenAiEffectData);
    expect(outcome.usage).toEqual({ model: 'gpt-4o-mini', promptTokens: 21, completionTokens: 5, totalTokens: 26 });
  });

  it('leaves out temperature and max tokens when the block does not set them', async () => {
    await runner().run(effect());
    expect(ai.chatRequests[0]?.body).not.toHaveProperty('temperature');
    expect(ai.chatRequests[0]?.body).not.toHaveProperty('max_tokens');
    expect(ai.chatRequests[0]?.body).not.toHaveProperty('max_completion_tokens');
  });

  it('records the model that answered, for billing', async () => {
    ai.queueChat({ content: 'ok', model: 'gpt-4o-mini-2024-07-18', usage: { promptTokens: 1, completionTokens: 1 } });
    const outcome = await runner().run(effect());
    expect(outcome.usage?.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('answers without usage when the server reports none', async () => {
    ai.queueChat({ content: 'no usage here', usage: null });
    const outcome = await runner().run(effect());
    expect(outcome.outcome).toBe('ok');
    expect(outcome.usage).toBeUndefined();
    expect(outcome.data).toEqual({ messageContent: 'no usage here', model: 'gpt-4o-mini', finishReason: 'stop' });
  });

  it('retries a 429 (honouring Retry-After) and a 500', async () => {
    ai.queueChat(FakeOpenAi.fail.rateLimited(0, 10), FakeOpenAi.fail.status(500), 'third time lucky');
    const outcome = await runner().run(effect());
    expect(outcome).toMatchObject({ outcome: 'ok', attempts: 3, data: { messageContent: 'third time lucky' } });
    expect(ai.chatRequests).toHaveLength(3);
  });

  it('fails after two retries', async () => {
    ai.queueChat(...Array.from({ length: 3 }, () => FakeOpenAi.fail.rateLimited(0, 10)));
    const outcome = await runner().run(effect());
    expect(outcome).toMatchObject({ outcome: 'error', errorCode: 'effect.upstream_error', attempts: 3 });
    expect(outcome.error).toContain('429');
    expect(outcome.usage).toBeUndefined();
  });

  it('does not wait for a Retry-After beyond the cap', async () => {
    ai.queueChat(FakeOpenAi.fail.rateLimited(3600), 'never reached');
    const outcome = await runner().run(effect());
    expect(outcome).toMatchObject({ outcome: 'error', attempts: 1 });
    expect(ai.chatRequests).toHaveLength(1);
  });

  it('does not retry a 400', async () => {
    ai.queueChat(FakeOpenAi.fail.status(400, "Invalid value for 'model'"), 'unused');
    const outcome = await runner().run(effect());
    expect(outcome).toMatchObject({ outcome: 'error', attempts: 1 });
    expect(outcome.error).toContain("Invalid value for 'model'");
  });

  it('reports a refused API key without retrying', async () => {
    const outcome = await runner({ apiKey: 'sk-wrong' }).run(effect());
    expect(outcome).toMatchObject({ outcome: 'error', attempts: 1 });
    expect(outcome.error).toBe('OpenAI refused the API key (401)');
    expect(outcome.error).not.toContain('sk-wrong');
  });

  it('times out a call that gets no answer', async () => {
    ai.queueChat(FakeOpenAi.fail.hang(), FakeOpenAi.fail.hang(), FakeOpenAi.fail.hang());
    const outcome = await runner({ timeoutMs: 200 }).run(effect());
    expect(outcome).toMatchObject({ outcome: 'error', errorCode: 'effect.upstream_error', attempts: 3 });
    expect(outcome.error).toBe('OpenAI did not answer within 200 ms');
  });

  it('is an error, without any request, when no API key is configured', async () => {
    const r = new OpenAiEffectRunner({ openai: { baseUrl, apiKey: undefined, timeoutMs: 5_000 } });
    expect(r.configured).toBe(false);
    const outcome = await r.run(effect());
    expect(outcome).toMatchObject({ outcome: 'error', errorCode: 'effect.not_configured', attempts: 0 });
    expect(outcome.error).toContain('OPENAI_API_KEY');
    expect(ai.chatRequests).toHaveLength(0);
  });
});

describe('FakeOpenAi, through the official SDK', () => {
  const ai = new FakeOpenAi({ apiKey: 'sk-test-key' });
  let client: OpenAI;

  beforeAll(async () => {
    const { baseUrl } = await ai.start();
    client = new OpenAI({ apiKey: 'sk-test-key', baseURL: baseUrl, maxRetries: 0 });
  });
  afterAll(() => ai.stop());

  it('transcribes a multipart upload and records its fields and file', async () => {
    ai.queueTranscription('bonjour tout le monde');
    const file = await toFile(Buffer.from('RIFF-fake-wave'), 'note.wav', { type: 'audio/wav' });
    const result = await client.audio.transcriptions.create({ file, model: 'whisper-1', language: 'fr' });
    expect(result.text).toBe('bonjour tout le monde');
    const [request] = ai.transcriptionRequests;
    expect(request?.fields).toMatchObject({ model: 'whisper-1', language: 'fr' });
    expect(request?.file).toMatchObject({ name: 'note.wav', type: 'audio/wav', size: 14 });
    expect(request?.file?.bytes.toString()).toBe('RIFF-fake-wave');
  });

  it('streams a chat completion with usage', async () => {
    ai.queueChat({ content: 'one two three', usage: { promptTokens: 4, completionTokens: 3 } });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let total: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      total = chunk.usage?.total_tokens ?? total;
    }
    expect(text).toBe('one two three');
    expect(total).toBe(7);
  });
});
