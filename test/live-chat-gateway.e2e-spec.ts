import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { asOrganizationId } from '@/access/organization-id';
import { ConversationStore } from '@/chat/conversation-store.service';
import { PresenceService } from '@/chat/presence.service';
import { newId } from '@/database/base.entity';
import { addMember, register, type Account } from './support/identity';
import {
  closeSockets,
  collect,
  connect,
  disconnected,
  next,
  refusal,
  request,
  sleep,
  socketFor,
} from './support/sockets';
import { startTestApp, type TestApp } from './support/test-app';

interface Started {
  sessionId: string;
  sessionToken: string;
  messages: { id: string; type: string; markdown?: string }[];
}

const JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

describe('live chat over sockets (/visitor, /agent)', () => {
  let t: TestApp;
  let admin: Account;
  let agent: Account;
  let viewer: Account;
  let other: Account;
  let bot: { id: string; publicId: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t);
    agent = await addMember(t, admin, 'agent');
    viewer = await addMember(t, admin, 'viewer');
    other = await register(t);
    const created = await t.request('POST', '/api/v1/chatbots', {
      token: admin.accessToken,
      body: { name: 'lead', templateId: 'lead-capture', settings: { allowedOrigins: ['https://shop.example'] } },
    });
    expect(created.status).toBe(201);
    const published = await t.request('POST', `/api/v1/chatbots/${created.body.id}/publish`, {
      token: admin.accessToken,
      body: {},
    });
    expect(published.status).toBe(201);
    bot = created.body;
  });
  afterEach(() => closeSockets());
  afterAll(() => t.close());

  /** A visitor session (its conversation has the session's id). */
  async function startSession(): Promise<Started> {
    const started = await t.request<Started>('POST', `/api/v1/bots/${bot.publicId}/sessions`, {
      body: {},
      headers: { origin: 'https://shop.example' },
    });
    expect(started.status).toBe(201);
    return started.body;
  }

  /** Humans own the conversation (as after a handoff): agents may write to the visitor. */
  const openForAgents = (conversationId: string) =>
    t.sql(`UPDATE conversations SET status = 'open', waiting_since = now() WHERE id = $1`, [conversationId]);

  const visitor = (s: Started, extra: Record<string, unknown> = {}) =>
    connect(t, '/visitor', { token: s.sessionToken, ...extra }, { origin: 'https://shop.example' });
  const agentSocket = (account: Account = agent, extra: Record<string, unknown> = {}) =>
    connect(t, '/agent', { token: account.accessToken, ...extra });

  /** Appends an agent message through the store (the REST route is another helper's). */
  const appendAgentMessage = (conversationId: string, text: string) =>
    t.app
      .get(ConversationStore)
      .append(
        asOrganizationId(admin.organizationId),
        conversationId,
        [{ id: newId(), sender: { type: 'agent', id: agent.userId }, kind: 'message', content: { text }, text }],
        'agent',
      )
      .then((a) => a.messages[0]!);

  describe('handshake refusals carry a code', () => {
    it('refuses visitors without a valid session token, and from an origin the bot does not allow', async () => {
      expect((await refusal(t, '/visitor', {})).data?.code).toBe('auth.invalid_token');
      expect((await refusal(t, '/visitor', { token: 'pst_nope' })).data?.code).toBe('auth.invalid_token');
      const s = await startSession();
      const foreign = await refusal(t, '/visitor', { token: s.sessionToken }, { origin: 'https://evil.example' });
      expect(foreign.data?.code).toBe('bot.origin_not_allowed');
    });

    it('refuses agents without a token, with a bad one, with an API key, and in a foreign organization', async () => {
      expect((await refusal(t, '/agent', {})).data?.code).toBe('auth.unauthenticated');
      const bad = await refusal(t, '/agent', { token: `${agent.accessToken.slice(0, -4)}AAAA` });
      expect(bad.data?.code).toMatch(/^auth\./);
      const foreign = await refusal(t, '/agent', { token: agent.accessToken, organizationId: other.organizationId });
      expect(foreign.data?.code).toBe('organization.not_member');
      const key = await t.request('POST', '/api/v1/api-keys', {
        token: admin.accessToken,
        body: { name: 'k', role: 'agent' },
      });
      expect(key.status).toBe(201);
      expect((await refusal(t, '/agent', { token: key.body.key })).data?.code).toBe('auth.user_required');
    });
  });

  describe('/visitor', () => {
    it('talks to the bot over the socket alone: the answer in the ack', async () => {
      const s = await startSession();
      const socket = await visitor(s);
      const answer = await request(socket, 'message.send', { clientMessageId: 'm1', text: 'Ada' });
      expect(answer.ok).toBe(true);
      expect(answer.turn.messages.map((m: { markdown?: string }) => m.markdown)).toContain(
        'Nice to meet you, Ada! What is your email address?',
      );
    });

    // Needs the message store (the bot turn writes conversation_messages and announces message.created).
    it('pushes the stored visitor message and the bot answer as message.created, acks the stored message', async () => {
      const s = await startSession();
      const socket = await visitor(s);
      const pushed = collect<{ id: string; sender: { type: string }; text: string | null }>(socket, 'message.created');
      const answer = await request(socket, 'message.send', { clientMessageId: 'm1', text: 'Ada' });
      expect(answer.ok).toBe(true);
      expect(answer.message).toMatchObject({ sender: { type: 'visitor' }, clientMessageId: 'm1', text: 'Ada' });
      await next(socket, 'message.created', (m: { sender: { type: string } }) => m.sender.type === 'bot').catch(
        () => undefined,
      );
      await sleep(200);
      expect(pushed.some((m) => m.sender.type === 'bot')).toBe(true);
    });

    // Needs the message store (the visitor's message is stored with its clientMessageId).
    it('acknowledges a resend with the same stored message, stored once', async () => {
      const s = await startSession();
      const socket = await visitor(s);
      const first = await request(socket, 'message.send', { clientMessageId: 'same', text: 'Ada' });
      const second = await request(socket, 'message.send', { clientMessageId: 'same', text: 'Ada' });
      expect([first.ok, second.ok]).toEqual([true, true]);
      expect(first.message?.id).toBeDefined();
      expect(second.message?.id).toBe(first.message?.id);
      const rows = await t.sql(
        `SELECT id FROM conversation_messages WHERE conversation_id = $1 AND client_message_id = 'same'`,
        [s.sessionId],
      );
      expect(rows).toHaveLength(1);
    });

    it('replays what came after lastSeenId on reconnect, and answers sync', async () => {
      const s = await startSession();
      const m1 = await appendAgentMessage(s.sessionId, 'one');
      const m2 = await appendAgentMessage(s.sessionId, 'two');
      const m3 = await appendAgentMessage(s.sessionId, 'three');
      const socket = socketFor(
        t,
        '/visitor',
        { token: s.sessionToken, lastSeenId: m1.id },
        { origin: 'https://shop.example' },
      );
      const replayed = collect<{ id: string }>(socket, 'message.created');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      await sleep(300);
      expect(replayed.map((m) => m.id)).toEqual([m2.id, m3.id]);
      const synced = await request(socket, 'sync', { after: m2.id });
      expect(synced).toMatchObject({ ok: true, messages: [{ id: m3.id, text: 'three' }] });
    });

    it('answers a bad payload with request.invalid and fields, or an error event without an ack; stays connected', async () => {
      const s = await startSession();
      const socket = await visitor(s);
      const bad = await request(socket, 'message.send', { text: 5, extra: true });
      expect(bad.ok).toBe(false);
      expect(bad.error.code).toBe('request.invalid');
      expect(bad.error.fields.map((f: { field: string }) => f.field)).toEqual(
        expect.arrayContaining(['clientMessageId', 'text', 'extra']),
      );
      const error = next<{ code: string; fields: unknown[] }>(socket, 'error');
      socket.emit('read', { messageId: 'not-a-uuid' });
      expect((await error).code).toBe('request.invalid');
      expect(socket.connected).toBe(true);
      expect((await request(socket, 'sync', {})).ok).toBe(true);
    });

    it('delivers an agent message to the visitor, never a note', async () => {
      const s = await startSession();
      await openForAgents(s.sessionId);
      const socket = await visitor(s);
      const pushed = collect<{ text: string; kind: string }>(socket, 'message.created');
      const agentSide = await agentSocket();
      const joined = await request(agentSide, 'conversation.join', { conversationId: s.sessionId });
      expect(joined).toMatchObject({ ok: true, conversation: { id: s.sessionId } });
      const note = await request(agentSide, 'message.send', {
        conversationId: s.sessionId,
        clientMessageId: 'n1',
        text: 'internal',
        private: true,
      });
      expect(note).toMatchObject({ ok: true, message: { kind: 'note' } });
      // Listen before sending: the push may come before the acknowledgement.
      const heard = next(socket, 'message.created', (m: { text: string }) => m.text === 'Hello from a human');
      const sent = await request(agentSide, 'message.send', {
        conversationId: s.sessionId,
        clientMessageId: 'a1',
        text: 'Hello from a human',
      });
      expect(sent).toMatchObject({ ok: true, message: { kind: 'message', text: 'Hello from a human' } });
      await heard;
      // The agent coming online took the waiting conversation (an activity line); the note never came.
      expect(pushed.filter((m) => m.kind !== 'activity').map((m) => m.text)).toEqual(['Hello from a human']);
      expect(pushed.some((m) => m.text === 'internal')).toBe(false);
    });
  });

  describe('/agent', () => {
    it('refuses joining a conversation of another organization', async () => {
      const s = await startSession();
      const outsider = await agentSocket(other);
      const answer = await request(outsider, 'conversation.join', { conversationId: s.sessionId });
      expect(answer).toMatchObject({ ok: false, error: { code: 'conversation.not_found' } });
      const sync = await request(outsider, 'sync', { conversationId: s.sessionId });
      expect(sync).toMatchObject({ ok: true, messages: [] });
    });

    it('lets viewers follow read-only', async () => {
      const s = await startSession();
      const socket = await agentSocket(viewer);
      expect((await request(socket, 'conversation.join', { conversationId: s.sessionId })).ok).toBe(true);
      const send = await request(socket, 'message.send', {
        conversationId: s.sessionId,
        clientMessageId: 'v',
        text: 'x',
      });
      expect(send).toMatchObject({ ok: false, error: { code: 'auth.insufficient_role' } });
    });

    it('runs the REST actions over the socket: assign, status, labels; coded errors for bad ones', async () => {
      const s = await startSession();
      await openForAgents(s.sessionId);
      const socket = await agentSocket();
      const assigned = await request(socket, 'conversation.assign', {
        conversationId: s.sessionId,
        assigneeId: agent.userId,
      });
      expect(assigned).toMatchObject({ ok: true, conversation: { id: s.sessionId, assignee: { id: agent.userId } } });
      const labelled = await request(socket, 'conversation.update', {
        conversationId: s.sessionId,
        labels: ['VIP'],
        priority: 'high',
      });
      expect(labelled).toMatchObject({ ok: true, conversation: { labels: ['vip'], priority: 'high' } });
      const resolved = await request(socket, 'conversation.set_status', {
        conversationId: s.sessionId,
        status: 'resolved',
      });
      expect(resolved).toMatchObject({ ok: true, conversation: { status: 'resolved' } });
      const bad = await request(socket, 'conversation.set_status', { conversationId: s.sessionId, status: 'gone' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'request.invalid' } });
      const foreign = await request(await agentSocket(other), 'conversation.assign', {
        conversationId: s.sessionId,
        assigneeId: null,
      });
      expect(foreign).toMatchObject({ ok: false, error: { code: 'conversation.not_found' } });
      const viewing = await request(await agentSocket(viewer), 'conversation.set_status', {
        conversationId: s.sessionId,
        status: 'open',
      });
      expect(viewing).toMatchObject({ ok: false, error: { code: 'auth.insufficient_role' } });
    });

    it('carries typing and read both ways', async () => {
      const s = await startSession();
      const v = await visitor(s);
      const a = await agentSocket();
      await request(a, 'conversation.join', { conversationId: s.sessionId });

      const agentSeesTyping = next(a, 'typing.start');
      v.emit('typing.start');
      expect(await agentSeesTyping).toEqual({ conversationId: s.sessionId, sender: { type: 'visitor' } });

      const visitorSeesTyping = next(v, 'typing.start');
      expect((await request(a, 'typing.start', { conversationId: s.sessionId })).ok).toBe(true);
      expect(await visitorSeesTyping).toMatchObject({
        conversationId: s.sessionId,
        sender: { type: 'agent', id: agent.userId },
      });

      const m = await appendAgentMessage(s.sessionId, 'read me');
      const agentSeesRead = next(a, 'read');
      expect(await request(v, 'read', { messageId: m.id })).toMatchObject({ ok: true, seq: m.seq });
      expect(await agentSeesRead).toEqual({
        conversationId: s.sessionId,
        reader: { type: 'visitor' },
        messageId: m.id,
        seq: m.seq,
      });
      const [conversation] = await t.sql<{ visitor_last_read_seq: number }>(
        'SELECT visitor_last_read_seq FROM conversations WHERE id = $1',
        [s.sessionId],
      );
      expect(conversation?.visitor_last_read_seq).toBe(m.seq);

      const visitorSeesRead = next(v, 'read');
      expect(await request(a, 'read', { conversationId: s.sessionId, messageId: m.id })).toMatchObject({ ok: true });
      expect(await visitorSeesRead).toMatchObject({ reader: { type: 'agent', id: agent.userId }, seq: m.seq });
      const reads = await t.sql(
        'SELECT last_read_seq FROM conversation_reads WHERE conversation_id = $1 AND user_id = $2',
        [s.sessionId, agent.userId],
      );
      expect(reads).toEqual([{ last_read_seq: m.seq }]);
    });

    it('disconnects a socket when its access token expires', async () => {
      const { sid } = decodeJwt(agent.accessToken) as { sid: string };
      const shortLived = await new SignJWT({ sid })
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .setIssuer(t.config.auth.jwtIssuer)
        .setSubject(agent.userId)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + 2)
        .sign(new TextEncoder().encode(JWT_SECRET));
      const socket = await connect(t, '/agent', { token: shortLived });
      const error = next<{ code: string }>(socket, 'error');
      expect(await disconnected(socket, 6_000)).toBe('io server disconnect');
      expect((await error).code).toBe('auth.token_expired');
    });

    it('disconnects a socket whose session is signed out', async () => {
      const member = await addMember(t, admin, 'agent');
      const socket = await agentSocket(member);
      const error = next<{ code: string }>(socket, 'error');
      const gone = disconnected(socket, 12_000);
      const logout = await t.request('POST', '/api/v1/auth/logout', { token: member.accessToken });
      expect(logout.status).toBe(204);
      expect(await gone).toBe('io server disconnect');
      expect((await error).code).toBe('auth.session_ended');
    });

    it('makes a connected agent online, and offline when their last socket goes; others see presence.update', async () => {
      const member = await addMember(t, admin, 'agent');
      const watcher = await agentSocket(admin);
      const online = next(watcher, 'presence.update', (e: { userId: string }) => e.userId === member.userId);
      const first = await agentSocket(member);
      const second = await agentSocket(member);
      expect(await online).toEqual({ userId: member.userId, status: 'online' });
      const status = () => t.app.get(PresenceService).statusOf(asOrganizationId(admin.organizationId), member.userId);
      expect(await status()).toBe('online');
      first.disconnect();
      await sleep(300);
      expect(await status()).toBe('online');
      const offline = next(
        watcher,
        'presence.update',
        (e: { userId: string; status: string }) => e.status === 'offline',
      );
      second.disconnect();
      expect(await offline).toEqual({ userId: member.userId, status: 'offline' });
      expect(await status()).toBe('offline');
    });

    it('receives conversation events in the org room and the visitor gets conversation.updated', async () => {
      const s = await startSession();
      const v = await visitor(s);
      const a = await agentSocket();
      const visitorUpdate = next(v, 'conversation.updated');
      const agentEvent = next(a, 'conversation.status_changed');
      // A visitor message on a resolved conversation reopens it (ConversationStore effect `visitor`).
      await t.sql(`UPDATE conversations SET status = 'resolved' WHERE id = $1`, [s.sessionId]);
      await t.app.get(ConversationStore).append(
        asOrganizationId(admin.organizationId),
        s.sessionId,
        [
          {
            id: newId(),
            sender: { type: 'visitor' },
            kind: 'message',
            content: { text: 'hi' },
            text: 'hi',
            clientMessageId: 'x1',
          },
        ],
        'visitor',
      );
      expect(await agentEvent).toMatchObject({
        conversationId: s.sessionId,
        status: 'open',
        previousStatus: 'resolved',
      });
      expect(await visitorUpdate).toEqual({ id: s.sessionId, status: 'open', assignee: null });
    });
  });
});
