import { asOrganizationId, type OrganizationId } from '@/access/organization-id';
import { FakeOpenAi, fakeMp3 } from '../../../test/support/fake-openai';
import { HttpTarget } from '../../../test/support/http-target';
import { ConnectionSecrets, type ResolvedConnection } from '../connections/connection-secrets';
import { OpenAiClient, type OpenAiClientOptions } from './openai.client';

/** A `ConnectionSecrets` over a map (the connections module implements the real one). */
class MapSecrets extends ConnectionSecrets {
  readonly connections = new Map<string, ResolvedConnection & { organizationId: string }>();
  lookups = 0;

  find(organizationId: OrganizationId, connectionId: string): Promise<ResolvedConnection | null> {
    this.lookups++;
    const found = this.connections.get(connectionId);
    return Promise.resolve(found && found.organizationId === organizationId ? found : null);
  }

  addOpenAi(id: string, organizationId: string, apiKey: string, baseUrl?: string): void {
    this.connections.set(id, {
      id,
      name: `OpenAI ${id}`,
      organizationId,
      credentials: { type: 'openai', settings: baseUrl ? { baseUrl } : {}, secrets: { apiKey } },
    });
  }
}

const ORG = asOrganizationId('0190a000-0000-7000-8000-000000000001');
const OTHER_ORG = asOrganizationId('0190a000-0000-7000-8000-000000000002');
const chatRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'What are your hours?' }] };

describe('OpenAiClient', () => {
  const ai = new FakeOpenAi();
  let baseUrl: string;
  const secrets = new MapSecrets();

  const client = ({
    apiKey = 'sk-installation',
    timeoutMs = 5_000,
    allowPrivateNetworks = true,
    options = {},
    withSecrets = true,
  }: {
    apiKey?: string | null;
    timeoutMs?: number;
    allowPrivateNetworks?: boolean;
    options?: OpenAiClientOptions;
    withSecrets?: boolean;
  } = {}) =>
    new OpenAiClient(
      {
        executions: { openai: { baseUrl, apiKey: apiKey ?? undefined, timeoutMs } },
        integrations: { outbound: { allowPrivateNetworks } },
      },
      withSecrets ? secrets : null,
      options,
    );

  beforeAll(async () => {
    ({ baseUrl } = await ai.start());
    secrets.addOpenAi('conn-acme', ORG, 'sk-acme-org', baseUrl);
    secrets.addOpenAi('conn-public-url', ORG, 'sk-acme-org', 'https://api.openai.com/v1');
    secrets.connections.set('conn-smtp', {
      id: 'conn-smtp',
      name: 'Mail',
      organizationId: ORG,
      credentials: { type: 'smtp', settings: {}, secrets: { url: 'smtp://x' } },
    });
  });
  afterAll(() => ai.stop());
  beforeEach(() => ai.reset());

  describe('whose key', () => {
    it('uses OPENAI_API_KEY and OPENAI_BASE_URL without a connection, and reports the usage', async () => {
      ai.queueChat({ content: 'From 9 to 5.', usage: { promptTokens: 12, completionTokens: 4 } });
      const done = await client().chat({ organizationId: ORG }, { ...chatRequest, temperature: 0.2, maxTokens: 50 });
      expect(done).toMatchObject({ ok: true, attempts: 1, value: { content: 'From 9 to 5.', model: 'gpt-4o-mini' } });
      expect(ai.chatRequests[0]?.authorization).toBe('Bearer sk-installation');
      expect(ai.chatRequests[0]?.body).toMatchObject({ temperature: 0.2, max_tokens: 50 });
      expect(done.usage).toEqual({
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4o-mini',
        promptTokens: 12,
        completionTokens: 4,
        totalTokens: 16,
        durationMs: expect.any(Number),
        outcome: 'ok',
        connectionId: null,
        audioSeconds: null,
        characters: null,
      });
    });

    it("uses the organization's connection key and base URL when the call names one", async () => {
      const done = await client().chat({ organizationId: ORG, connectionId: 'conn-acme' }, chatRequest);
      expect(done.ok).toBe(true);
      expect(ai.requests.map((r) => r.authorization)).toEqual(['Bearer sk-acme-org']);
      expect(done.usage).toMatchObject({ connectionId: 'conn-acme', outcome: 'ok' });
    });

    it('works with a connection even when the installation has no key', async () => {
      const c = client({ apiKey: null });
      expect(c.configured).toBe(false);
      const done = await c.chat({ organizationId: ORG, connectionId: 'conn-acme' }, chatRequest);
      expect(done.ok).toBe(true);
      expect(ai.chatRequests[0]?.authorization).toBe('Bearer sk-acme-org');
    });

    it('caches the SDK per connection and key, and picks up a rotated key', async () => {
      const c = client();
      await c.chat({ organizationId: ORG, connectionId: 'conn-acme' }, chatRequest);
      await c.chat({ organizationId: ORG, connectionId: 'conn-acme' }, chatRequest);
      secrets.addOpenAi('conn-acme', ORG, 'sk-acme-rotated', baseUrl);
      await c.chat({ organizationId: ORG, connectionId: 'conn-acme' }, chatRequest);
      secrets.addOpenAi('conn-acme', ORG, 'sk-acme-org', baseUrl);
      expect(ai.chatRequests.map((r) => r.authorization)).toEqual([
        'Bearer sk-acme-org',
        'Bearer sk-acme-org',
        'Bearer sk-acme-rotated',
      ]);
    });

    it('keeps a bounded number of connection clients', async () => {
      const c = client({ options: { maxCachedConnections: 2 } });
      for (const id of ['c1', 'c2', 'c3']) secrets.addOpenAi(id, ORG, `sk-${id}`, baseUrl);
      for (const id of ['c1', 'c2', 'c3', 'c1']) {
        await expect(c.chat({ organizationId: ORG, connectionId: id }, chatRequest)).resolves.toMatchObject({
          ok: true,
        });
      }
      expect(ai.chatRequests.map((r) => r.authorization)).toEqual([
        'Bearer sk-c1',
        'Bearer sk-c2',
        'Bearer sk-c3',
        'Bearer sk-c1',
      ]);
      expect((c as unknown as { connections: Map<string, unknown> }).connections.size).toBe(2);
    });

    it("refuses, without a request, a connection that is unknown, another organization's or not OpenAI", async () => {
      const c = client();
      const unknown = await c.chat({ organizationId: ORG, connectionId: 'nope' }, chatRequest);
      const foreign = await c.chat({ organizationId: OTHER_ORG, connectionId: 'conn-acme' }, chatRequest);
      const smtp = await c.chat({ organizationId: ORG, connectionId: 'conn-smtp' }, chatRequest);
      for (const done of [unknown, foreign, smtp]) {
        expect(done).toMatchObject({ ok: false, code: 'not_configured', attempts: 0, usage: undefined });
      }
      expect(smtp).toMatchObject({ error: 'the connection "Mail" is not an OpenAI connection' });
      expect(ai.requests).toHaveLength(0);
    });

    it('refuses a connection when no connection store is bound', async () => {
      const done = await client({ withSecrets: false }).chat(
        { organizationId: ORG, connectionId: 'conn-acme' },
        chatRequest,
      );
      expect(done).toMatchObject({ ok: false, code: 'not_configured' });
    });

    it('is not configured without a connection and without OPENAI_API_KEY', async () => {
      const done = await client({ apiKey: null }).chat({ organizationId: ORG }, chatRequest);
      expect(done).toMatchObject({ ok: false, code: 'not_configured', attempts: 0, usage: undefined });
      if (!done.ok) expect(done.error).toContain('OPENAI_API_KEY');
      expect(ai.requests).toHaveLength(0);
    });

    it("refuses a connection whose base URL is in a private network (the organization's, not trusted)", async () => {
      const done = await client({ allowPrivateNetworks: false }).chat(
        { organizationId: ORG, connectionId: 'conn-acme' },
        chatRequest,
      );
      expect(done).toMatchObject({ ok: false, code: 'address_refused', attempts: 0 });
      expect(ai.requests).toHaveLength(0);
      // OPENAI_BASE_URL is configuration: trusted.
      await expect(
        client({ allowPrivateNetworks: false }).chat({ organizationId: ORG }, chatRequest),
      ).resolves.toMatchObject({ ok: true });
    });
  });

  describe('failures', () => {
    it('reports a failed call with its usage (tokens 0) and does not retry a 400', async () => {
      ai.queueChat(FakeOpenAi.fail.status(400, "Invalid value for 'model'"), 'unused');
      const done = await client().chat({ organizationId: ORG }, chatRequest);
      expect(done).toMatchObject({ ok: false, code: 'upstream_error', attempts: 1 });
      if (!done.ok) expect(done.error).toContain("Invalid value for 'model'");
      expect(done.usage).toMatchObject({ outcome: 'error', operation: 'chat', totalTokens: 0, model: 'gpt-4o-mini' });
    });

    it('retries a 429 (honouring Retry-After) and a 500', async () => {
      ai.queueChat(FakeOpenAi.fail.rateLimited(0, 10), FakeOpenAi.fail.status(500), 'third time lucky');
      const done = await client().chat({ organizationId: ORG }, chatRequest);
      expect(done).toMatchObject({ ok: true, attempts: 3, value: { content: 'third time lucky' } });
    });

    it('does not wait for a Retry-After beyond the cap', async () => {
      ai.queueChat(FakeOpenAi.fail.rateLimited(3600), 'never reached');
      const done = await client().chat({ organizationId: ORG }, chatRequest);
      expect(done).toMatchObject({ ok: false, attempts: 1 });
    });

    it('reports a refused key without retrying or repeating it', async () => {
      const strict = new FakeOpenAi({ apiKey: 'sk-right' });
      const { baseUrl: strictUrl } = await strict.start();
      try {
        const c = new OpenAiClient(
          {
            executions: { openai: { baseUrl: strictUrl, apiKey: 'sk-wrong', timeoutMs: 5_000 } },
            integrations: { outbound: { allowPrivateNetworks: true } },
          },
          null,
        );
        const done = await c.chat({ organizationId: ORG }, chatRequest);
        expect(done).toMatchObject({ ok: false, attempts: 1, error: 'OpenAI refused the API key (401)' });
      } finally {
        await strict.stop();
      }
    });

    it('times out each attempt after OPENAI_TIMEOUT_MS', async () => {
      ai.queueChat(FakeOpenAi.fail.hang(), FakeOpenAi.fail.hang(), FakeOpenAi.fail.hang());
      const done = await client({ timeoutMs: 200 }).chat({ organizationId: ORG }, chatRequest);
      expect(done).toMatchObject({
        ok: false,
        code: 'timeout',
        attempts: 3,
        error: 'OpenAI did not answer within 200 ms',
      });
      expect(done.usage).toMatchObject({ outcome: 'error' });
    });

    it('is cancelled by the caller', async () => {
      ai.queueChat(FakeOpenAi.fail.hang());
      const controller = new AbortController();
      const pending = client().chat({ organizationId: ORG, signal: controller.signal }, chatRequest);
      while (ai.chatRequests.length === 0) await new Promise((r) => setImmediate(r));
      controller.abort();
      await expect(pending).resolves.toMatchObject({ ok: false, code: 'cancelled' });
    });
  });

  describe('transcription', () => {
    it('transcribes audio bytes', async () => {
      ai.queueTranscription('bonjour');
      const done = await client().transcribe(
        { organizationId: ORG },
        {
          model: 'whisper-1',
          audio: { bytes: Buffer.from('RIFF-wave'), fileName: 'note.wav', contentType: 'audio/wav' },
          language: 'fr',
        },
      );
      expect(done).toMatchObject({ ok: true, value: { text: 'bonjour' } });
      expect(ai.transcriptionRequests[0]?.fields).toMatchObject({ model: 'whisper-1', language: 'fr' });
      expect(ai.transcriptionRequests[0]?.file).toMatchObject({ name: 'note.wav', type: 'audio/wav', size: 9 });
      expect(done.usage).toMatchObject({
        operation: 'transcription',
        model: 'whisper-1',
        totalTokens: 0,
        outcome: 'ok',
      });
    });

    it('downloads an audio URL and sends its bytes, name and type', async () => {
      const url = ai.serveFile('voice note.ogg', Buffer.from('OggS-fake'), 'audio/ogg');
      ai.queueTranscription('hello there');
      const done = await client().transcribe(
        { organizationId: ORG, connectionId: 'conn-acme' },
        { model: 'whisper-1', audio: { url } },
      );
      expect(done).toMatchObject({ ok: true, value: { text: 'hello there' } });
      expect(ai.transcriptionRequests[0]?.file).toMatchObject({ name: 'voice note.ogg', type: 'audio/ogg', size: 9 });
      expect(ai.transcriptionRequests[0]?.authorization).toBe('Bearer sk-acme-org');
      // The download carried no key.
      expect(ai.requests.find((r) => r.route.startsWith('GET /files/'))?.authorization).toBeUndefined();
    });

    it('refuses audio URLs that are private, too large, missing or not http(s), without calling OpenAI', async () => {
      const url = ai.serveFile('big.mp3', Buffer.alloc(2_000), 'audio/mpeg');
      const target = { organizationId: ORG };
      const refused = await client({ allowPrivateNetworks: false }).transcribe(target, {
        model: 'whisper-1',
        audio: { url },
      });
      expect(refused).toMatchObject({ ok: false, code: 'address_refused', usage: undefined });
      const large = await client({ options: { maxAudioBytes: 1_000 } }).transcribe(target, {
        model: 'whisper-1',
        audio: { url },
      });
      expect(large).toMatchObject({ ok: false, code: 'too_large', usage: undefined });
      const missing = await client().transcribe(target, { model: 'whisper-1', audio: { url: `${url}-gone` } });
      expect(missing).toMatchObject({ ok: false, code: 'download_failed' });
      if (!missing.ok) expect(missing.error).toContain('404');
      const ftp = await client().transcribe(target, { model: 'whisper-1', audio: { url: 'ftp://example.com/a.mp3' } });
      expect(ftp).toMatchObject({ ok: false, code: 'invalid_request' });
      expect(ai.transcriptionRequests).toHaveLength(0);
    });
  });

  describe('audio downloads', () => {
    const target = new HttpTarget();
    let origin: string;
    beforeAll(async () => {
      ({ url: origin } = await target.start());
      target.route('GET /moved', (_req, res) => {
        res.writeHead(302, { location: '/audio.wav' });
        res.end();
      });
      target.route('GET /audio.wav', (_req, res) => {
        res.writeHead(200, { 'content-type': 'audio/wav; charset=binary' });
        res.end('RIFF-redirected');
      });
      target.route('GET /loop', (_req, res) => {
        res.writeHead(302, { location: '/loop' });
        res.end();
      });
    });
    afterAll(() => target.stop());

    it('follows a redirect to the audio, and gives up on a redirect loop', async () => {
      const moved = await client().transcribe(
        { organizationId: ORG },
        { model: 'whisper-1', audio: { url: `${origin}/moved` } },
      );
      expect(moved).toMatchObject({ ok: true });
      expect(ai.transcriptionRequests[0]?.file).toMatchObject({ name: 'audio.wav', type: 'audio/wav' });
      const loop = await client().transcribe(
        { organizationId: ORG },
        { model: 'whisper-1', audio: { url: `${origin}/loop` } },
      );
      expect(loop).toMatchObject({ ok: false, code: 'download_failed', usage: undefined });
      expect(target.on('/loop')).toHaveLength(4); // the first request and 3 redirects
    });
  });

  describe('speech', () => {
    it('answers the audio bytes with the content type of the format', async () => {
      const done = await client().speech(
        { organizationId: ORG },
        { model: 'tts-1', input: 'Welcome!', voice: 'nova', format: 'mp3' },
      );
      expect(done).toMatchObject({ ok: true, value: { contentType: 'audio/mpeg', model: 'tts-1' } });
      if (done.ok) expect(done.value.audio.equals(fakeMp3('Welcome!'))).toBe(true);
      expect(ai.speechRequests[0]?.body).toEqual({
        model: 'tts-1',
        input: 'Welcome!',
        voice: 'nova',
        response_format: 'mp3',
      });
      expect(done.usage).toMatchObject({ operation: 'speech', outcome: 'ok', totalTokens: 0 });
    });

    it('refuses an empty text without a request, and reports a failed call', async () => {
      const empty = await client().speech(
        { organizationId: ORG },
        { model: 'tts-1', input: '  ', voice: 'alloy', format: 'mp3' },
      );
      expect(empty).toMatchObject({ ok: false, code: 'invalid_request', usage: undefined });
      ai.queueSpeech(FakeOpenAi.fail.status(400, 'bad voice'));
      const failed = await client().speech(
        { organizationId: ORG },
        { model: 'tts-1', input: 'x', voice: 'alloy', format: 'mp3' },
      );
      expect(failed).toMatchObject({
        ok: false,
        code: 'upstream_error',
        usage: { outcome: 'error', operation: 'speech' },
      });
    });
  });

  describe('responses', () => {
    it('asks the Responses API with instructions and a previous response', async () => {
      ai.queueResponse({ text: 'Sure.', usage: { inputTokens: 9, outputTokens: 2 } });
      const done = await client().respond(
        { organizationId: ORG },
        { model: 'gpt-4o-mini', input: 'Help me', instructions: 'Be brief.', previousResponseId: 'resp_1' },
      );
      expect(done).toMatchObject({ ok: true, value: { text: 'Sure.', model: 'gpt-4o-mini' } });
      if (done.ok) expect(done.value.responseId).toMatch(/^resp_/);
      expect(ai.responseRequests[0]?.body).toMatchObject({
        model: 'gpt-4o-mini',
        input: 'Help me',
        instructions: 'Be brief.',
        previous_response_id: 'resp_1',
      });
      expect(done.usage).toMatchObject({
        operation: 'response',
        promptTokens: 9,
        completionTokens: 2,
        totalTokens: 11,
      });
    });
  });
});
