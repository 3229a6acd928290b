import { FakeOpenAi } from './support/fake-openai';
import { publishChatbot } from './support/chatbots';
import { register, type Account } from './support/identity';
import { outboxData } from './support/outbox';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The OpenAI block with an organization's key, the connection made through the real route
 * (`POST /api/v1/connections`, the connections module of the `vault` branch). Passes once that
 * branch is merged; before it the route answers 404. (`test/openai.e2e-spec.ts` covers the same
 * with a test binding of `ConnectionSecrets`.)
 */
describe("an OpenAI block with an organization's connection, made through /api/v1/connections", () => {
  const ai = new FakeOpenAi();
  let t: TestApp;
  let admin: Account;
  let baseUrl: string;

  beforeAll(async () => {
    ({ baseUrl } = await ai.start());
    t = await startTestApp({
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: 'sk-installation',
      // The connection's base URL is the stand-in on 127.0.0.1: an organization's URL is checked.
      OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true',
    });
    admin = await register(t, { organizationName: 'Connected' });
  });
  afterAll(async () => {
    await t.close();
    await ai.stop();
  });

  it("sends the connection's key, not OPENAI_API_KEY, and meters the call under the connection", async () => {
    const connection = await t.request('POST', '/api/v1/connections', {
      token: admin.accessToken,
      body: { name: 'Our OpenAI', type: 'openai', settings: { baseUrl }, credentials: { apiKey: 'sk-org-route-key' } },
    });
    expect(connection.status).toBe(201);
    const connectionId = connection.body.id as string;
    const bot = await publishChatbot(t, admin, {
      name: 'connected bot',
      flow: {
        schemaVersion: 1,
        events: [{ id: 'start', type: 'start' }],
        variables: [{ id: 'a', name: 'Answer' }],
        groups: [
          {
            id: 'g',
            blocks: [
              {
                id: 'ai',
                type: 'openAiChat',
                options: {
                  connectionId,
                  messages: [{ role: 'user', content: 'Say hi' }],
                  responseMapping: [{ value: 'messageContent', variableId: 'a' }],
                },
              },
              { id: 'say', type: 'text', options: { text: '{{Answer}}' } },
            ],
          },
        ],
        edges: [{ id: 'e', from: { eventId: 'start' }, to: { groupId: 'g' } }],
      },
    });
    ai.queueChat('hi from your own key');
    const session = await t.request('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} });
    expect(session.status).toBe(201);
    expect(session.body.messages.map((m: { markdown?: string }) => m.markdown)).toEqual(['hi from your own key']);
    expect(ai.chatRequests.map((r) => r.authorization)).toEqual(['Bearer sk-org-route-key']);
    const usage = (await outboxData(t, 'ai.usage_recorded')).filter((u) => u.sessionId === session.body.sessionId);
    expect(usage).toEqual([expect.objectContaining({ operation: 'chat', outcome: 'ok', connectionId })]);
  });
});
