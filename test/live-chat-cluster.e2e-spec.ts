import { asOrganizationId } from '@/access/organization-id';
import { ConversationStore } from '@/chat/conversation-store.service';
import { PresenceService } from '@/chat/presence.service';
import { newId } from '@/database/base.entity';
import { SessionTokens } from '@/executions/session-token';
import { addMember, register, type Account } from './support/identity';
import { closeSockets, connect, next, request, sleep } from './support/sockets';
import { databaseUrl } from './support/test-env';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Two API processes (two apps in this test process, on their own ports) sharing PostgreSQL and
 * Redis (same database, same key prefix): the Socket.IO Redis adapter carries each one's emits to
 * the other's sockets.
 */
describe('live chat across two API processes', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: Account;
  let agent: Account;
  let botId: string;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ DATABASE_URL: databaseUrl(a.databaseName), REDIS_KEY_PREFIX: a.config.redis.keyPrefix });
    admin = await register(a);
    agent = await addMember(a, admin, 'agent');
    const bot = await a.request('POST', '/api/v1/chatbots', {
      token: admin.accessToken,
      body: { name: 'lead', templateId: 'lead-capture' },
    });
    expect(bot.status).toBe(201);
    expect(
      (await a.request('POST', `/api/v1/chatbots/${bot.body.id}/publish`, { token: admin.accessToken, body: {} }))
        .status,
    ).toBe(201);
    botId = bot.body.id;
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** A session and its conversation (rows made directly: the bot turn is not what this tests). */
  async function session(): Promise<{ sessionId: string; sessionToken: string }> {
    const sessionId = newId();
    await a.sql(
      `INSERT INTO chat_sessions (id, organization_id, chatbot_id, state, result, expires_at)
       VALUES ($1, $2, $3, '{}', '{}', now() + interval '1 day')`,
      [sessionId, admin.organizationId, botId],
    );
    await a.sql(
      `INSERT INTO conversations (id, organization_id, session_id, chatbot_id, status) VALUES ($1, $2, $1, $3, 'open')
       ON CONFLICT DO NOTHING`,
      [sessionId, admin.organizationId, botId],
    );
    return { sessionId, sessionToken: a.app.get(SessionTokens).sign(sessionId) };
  }

  it('a visitor on one process and an agent on the other hear each other', async () => {
    const s = await session();
    const visitor = await connect(a, '/visitor', { token: s.sessionToken });
    const agentSocket = await connect(b, '/agent', { token: agent.accessToken });
    expect(await request(agentSocket, 'conversation.join', { conversationId: s.sessionId })).toMatchObject({
      ok: true,
    });

    // The visitor's message, stored by process A (as the visitor's turn does while a human owns it).
    const heard = next(agentSocket, 'message.created', (m: { text: string }) => m.text === 'hello from A');
    await a.app.get(ConversationStore).append(
      asOrganizationId(admin.organizationId),
      s.sessionId,
      [
        {
          id: newId(),
          sender: { type: 'visitor' },
          kind: 'message',
          content: { text: 'hello from A' },
          text: 'hello from A',
        },
      ],
      'visitor',
    );
    expect(await heard).toMatchObject({ conversationId: s.sessionId, sender: { type: 'visitor' } });

    // The agent's answer, sent on process B.
    const answered = next(visitor, 'message.created', (m: { text: string }) => m.text === 'hello from B');
    const sent = await request(agentSocket, 'message.send', {
      conversationId: s.sessionId,
      clientMessageId: 'b1',
      text: 'hello from B',
    });
    expect(sent).toMatchObject({ ok: true, message: { sender: { type: 'agent', id: agent.userId } } });
    expect(await answered).toMatchObject({ id: sent.message.id });

    // Typing crosses processes too.
    const typing = next(agentSocket, 'typing.start');
    visitor.emit('typing.start');
    expect(await typing).toEqual({ conversationId: s.sessionId, sender: { type: 'visitor' } });
  });

  it("delivers a visitor's message.send on one process (a bot turn) to the agent on the other", async () => {
    const publicId = (await a.sql<{ public_id: string }>('SELECT public_id FROM chatbots WHERE id = $1', [botId]))[0]!
      .public_id;
    const s = (await a.request('POST', `/api/v1/bots/${publicId}/sessions`, { body: {} })).body as {
      sessionId: string;
      sessionToken: string;
    };
    const visitor = await connect(a, '/visitor', { token: s.sessionToken });
    const agentSocket = await connect(b, '/agent', { token: agent.accessToken });
    await request(agentSocket, 'conversation.join', { conversationId: s.sessionId });
    const heard = next(agentSocket, 'message.created', (m: { text: string }) => m.text === 'need a human');
    const ack = await request(visitor, 'message.send', { clientMessageId: 'v1', text: 'need a human' });
    expect(ack).toMatchObject({ ok: true, message: { clientMessageId: 'v1' } });
    expect(await heard).toMatchObject({ id: ack.message.id });
  });

  it('keeps an agent online while a socket of theirs lives on the other process', async () => {
    const member = await addMember(a, admin, 'agent');
    const status = () => a.app.get(PresenceService).statusOf(asOrganizationId(admin.organizationId), member.userId);
    const onA = await connect(a, '/agent', { token: member.accessToken });
    const onB = await connect(b, '/agent', { token: member.accessToken });
    expect(await status()).toBe('online');
    onA.disconnect();
    await sleep(500);
    expect(await status()).toBe('online');
    onB.disconnect();
    for (let i = 0; i < 20 && (await status()) !== 'offline'; i++) await sleep(100);
    expect(await status()).toBe('offline');
  });
});
