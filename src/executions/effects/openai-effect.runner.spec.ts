import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import OpenAI, { toFile } from 'openai';
import { asOrganizationId } from '@/access/organization-id';
import { OpenAiClient } from '@/integrations/openai';
import { type FileStorage } from '@/storage/file-storage';
import { LocalFileStorage } from '@/storage/local-file-storage';
import { FakeOpenAi, fakeMp3 } from '../../../test/support/fake-openai';
import type { OpenAiChatEffect, OpenAiSpeechEffect, OpenAiTranscriptionEffect } from '../engine/engine-types';
import { type OpenAiEffectData, OpenAiEffectRunner } from './openai-effect.runner';

const ORG = asOrganizationId('0190a000-0000-7000-8000-00000000000a');
const place = { effectId: 'e1', blockId: 'b1', groupId: 'g1', afterMessageCount: 0, awaitsResult: true as const };

const chat = (over: Partial<OpenAiChatEffect> = {}): OpenAiChatEffect => ({
  ...place,
  kind: 'openAiChat',
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'What are your opening hours?' },
  ],
  responseMapping: [],
  ...over,
});
const speech = (over: Partial<OpenAiSpeechEffect> = {}): OpenAiSpeechEffect => ({
  ...place,
  kind: 'openAiSpeech',
  model: 'tts-1',
  input: 'Your order has shipped.',
  voice: 'nova',
  format: 'mp3',
  ...over,
});

async function read(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('OpenAiEffectRunner', () => {
  const ai = new FakeOpenAi({ apiKey: 'sk-test-key' });
  let baseUrl: string;
  let dir: string;
  let storage: LocalFileStorage;

  const runner = ({
    apiKey = 'sk-test-key',
    timeoutMs = 5_000,
    files = storage,
  }: { apiKey?: string | null; timeoutMs?: number; files?: FileStorage } = {}) =>
    new OpenAiEffectRunner(
      new OpenAiClient(
        {
          executions: { openai: { baseUrl, apiKey: apiKey ?? undefined, timeoutMs } },
          integrations: { outbound: { allowPrivateNetworks: true } },
        },
        null,
      ),
      files,
    );

  beforeAll(async () => {
    ({ baseUrl } = await ai.start());
    dir = await mkdtemp(join(tmpdir(), 'parley-openai-runner-'));
    storage = new LocalFileStorage({
      dir,
      publicUrl: 'https://parley.example',
      signingKey: Buffer.alloc(32, 1),
      ttlSeconds: 600,
    });
  });
  afterAll(async () => {
    await ai.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => ai.reset());

  it('sends the model, messages, temperature and max tokens, and answers the engine values', async () => {
    ai.queueChat({ content: 'We open at 9.', usage: { promptTokens: 21, completionTokens: 5 } });
    const outcome = await runner().run(ORG, chat({ temperature: 0.2, maxTokens: 150 }));
    expect(ai.chatRequests[0]?.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 150 });
    expect(outcome).toMatchObject({ outcome: 'ok', attempts: 1 });
    expect(outcome.data).toEqual({
      messageContent: 'We open at 9.',
      promptTokens: 21,
      completionTokens: 5,
      totalTokens: 26,
      model: 'gpt-4o-mini',
      finishReason: 'stop',
    } satisfies OpenAiEffectData);
    expect(outcome.usage).toMatchObject({ operation: 'chat', model: 'gpt-4o-mini', totalTokens: 26, outcome: 'ok' });
  });

  it('leaves out temperature and max tokens when the block does not set them', async () => {
    await runner().run(ORG, chat());
    expect(ai.chatRequests[0]?.body).not.toHaveProperty('temperature');
    expect(ai.chatRequests[0]?.body).not.toHaveProperty('max_tokens');
    expect(ai.chatRequests[0]?.body).not.toHaveProperty('max_completion_tokens');
  });

  it('records the model that answered, for billing, and zero tokens when the server reports none', async () => {
    ai.queueChat({ content: 'ok', model: 'gpt-4o-mini-2024-07-18', usage: { promptTokens: 1, completionTokens: 1 } });
    expect((await runner().run(ORG, chat())).usage?.model).toBe('gpt-4o-mini-2024-07-18');
    ai.queueChat({ content: 'no usage here', usage: null });
    const outcome = await runner().run(ORG, chat());
    expect(outcome.data).toEqual({ messageContent: 'no usage here', model: 'gpt-4o-mini', finishReason: 'stop' });
    expect(outcome.usage).toMatchObject({ totalTokens: 0, outcome: 'ok' });
  });

  it('maps failures to effect codes, with the usage of calls that reached OpenAI', async () => {
    ai.queueChat(...Array.from({ length: 3 }, () => FakeOpenAi.fail.rateLimited(0, 10)));
    const limited = await runner().run(ORG, chat());
    expect(limited).toMatchObject({ outcome: 'error', errorCode: 'effect.upstream_error', attempts: 3 });
    expect(limited.error).toContain('429');
    expect(limited.usage).toMatchObject({ outcome: 'error', totalTokens: 0 });

    ai.queueChat(FakeOpenAi.fail.hang(), FakeOpenAi.fail.hang(), FakeOpenAi.fail.hang());
    const slow = await runner({ timeoutMs: 200 }).run(ORG, chat());
    expect(slow).toMatchObject({ outcome: 'error', errorCode: 'effect.timeout', attempts: 3 });

    const unconfigured = await runner({ apiKey: null }).run(ORG, chat());
    expect(unconfigured).toMatchObject({ outcome: 'error', errorCode: 'effect.not_configured', attempts: 0 });
    expect(unconfigured.usage).toBeUndefined();
    expect(unconfigured.error).toContain('OPENAI_API_KEY');
  });

  it('transcribes the audio at a URL', async () => {
    const url = ai.serveFile('note.mp3', Buffer.from('ID3-audio'), 'audio/mpeg');
    ai.queueTranscription('please call me back');
    const effect: OpenAiTranscriptionEffect = {
      ...place,
      kind: 'openAiTranscription',
      model: 'whisper-1',
      url,
      language: 'en',
    };
    const outcome = await runner().run(ORG, effect);
    expect(outcome).toMatchObject({ outcome: 'ok', data: { text: 'please call me back' } });
    expect(ai.transcriptionRequests[0]?.fields).toMatchObject({ model: 'whisper-1', language: 'en' });
    expect(outcome.usage).toMatchObject({ operation: 'transcription', outcome: 'ok' });
  });

  it("stores the speech under the organization's speech area and answers a signed link to it", async () => {
    const outcome = await runner().run(ORG, speech());
    expect(outcome).toMatchObject({ outcome: 'ok' });
    const { url, key } = outcome.data as { url: string; key: string };
    expect(key).toMatch(new RegExp(`^org/${ORG}/speech/[0-9a-f-]{36}\\.mp3$`));
    expect(url).toContain(`https://parley.example/files/${key}?expires=`);
    const stored = await storage.get(key);
    expect(stored?.file.contentType).toBe('audio/mpeg');
    expect((await read(stored!.body)).equals(fakeMp3('Your order has shipped.'))).toBe(true);
    expect(outcome.usage).toMatchObject({ operation: 'speech', model: 'tts-1', outcome: 'ok' });
  });

  it('fails the speech when the file cannot be stored, keeping its usage', async () => {
    class BrokenStorage extends LocalFileStorage {
      override put(): never {
        throw new Error('disk full');
      }
    }
    const broken = new BrokenStorage({ dir, publicUrl: 'https://x', signingKey: Buffer.alloc(32), ttlSeconds: 60 });
    const outcome = await runner({ files: broken }).run(ORG, speech());
    expect(outcome).toMatchObject({ outcome: 'error', errorCode: 'effect.storage_failed' });
    expect(outcome.error).toContain('disk full');
    expect(outcome.usage).toMatchObject({ operation: 'speech', outcome: 'ok' });
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
